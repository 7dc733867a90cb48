# Строки интерфейса темы osce: русский язык.

## Навигация и общие элементы страницы

skip-link = Перейти к основному содержанию
nav-main = Основная навигация
nav-home = Главная
nav-releases = Пресс-релизы
language-switcher = Язык
footer-generated = Архив создан с помощью pressroom

## Главная страница

latest-releases = Последние пресс-релизы
all-releases = Все пресс-релизы
read-more = Подробнее
no-releases = Пресс-релизов пока нет.

# $count: общее число пресс-релизов
releases-count =
    { $count ->
        [one] { $count } пресс-релиз
        [few] { $count } пресс-релиза
        [many] { $count } пресс-релизов
       *[other] { $count } пресс-релиза
    }

## Список пресс-релизов и постраничная навигация

releases-heading = Пресс-релизы
# $current: номер текущей страницы, $total: число страниц
page-n-of-m = Страница { $current } из { $total }
pagination-label = Страницы пресс-релизов
pagination-first = Первая
pagination-previous = Предыдущая
pagination-next = Следующая
pagination-last = Последняя
# $number: номер страницы (для программ экранного доступа)
pagination-page = Страница { $number }

## Пресс-релизы

# Далее следует название показанного языка на нём самом.
not-translated = Перевода нет. Показана версия:
available-in = Доступно на языках:
tags-label = Темы:
# $count: темы выпуска, которые список не показывает (он показывает первые пять)
more-tags =
    { $count ->
        [one] и ещё { $count } тема
        [few] и ещё { $count } темы
        [many] и ещё { $count } тем
       *[other] и ещё { $count } темы
    }
location-label = Место:
published-on = Опубликовано:
# Before the author and licence of a release's photo.
photo-credit = Фото:
draft-badge = Черновик
other-languages = Этот пресс-релиз на других языках

## Страница ошибки и выбор языка

not-found-title = Страница не найдена
not-found-text = Запрашиваемая страница не существует или была перемещена. Возможно, она есть в архиве пресс-релизов.
back-home = Вернуться на главную
choose-language = Выберите язык
