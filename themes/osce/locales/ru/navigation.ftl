# Интерфейс тегов, архива по годам и лент: русский.

nav-tags = Темы
tags-heading = Темы
# $count: число тем
tags-count =
    { $count ->
        [one] { $count } тема
        [few] { $count } темы
        [many] { $count } тем
       *[other] { $count } темы
    }
no-tags = Тем пока нет.
years-heading = Архив по годам
years-label = Архив по годам
# $year: год, например 2015
year-heading = Пресс-релизы { $year } года
feed-subscribe = Подписаться (лента Atom)
