# Строки поиска (поле в шапке и страница поиска): русский.

search-label = Поиск по архиву
search-field = Поиск
search-placeholder = Поиск по пресс-релизам
search-submit = Найти
search-heading = Поиск
search-needs-js = Поиск работает в браузере и требует JavaScript, который отключён или недоступен. Архив можно просматривать по темам и по годам.
search-browse-topics = Все темы
search-year = Год
search-topic = Тема
search-any-year = Любой год
search-any-topic = Любая тема
# $count: число найденных пресс-релизов и страниц
search-count =
    { $count ->
        [one] Найден { $count } результат
        [few] Найдено { $count } результата
        [many] Найдено { $count } результатов
       *[other] Найдено { $count } результата
    }
search-none = Ничего не найдено. Попробуйте другое слово или меньше слов.
search-loading = Идёт поиск…
search-failed = Не удалось загрузить поисковый индекс. Попробуйте позже.
search-more = Показать ещё
