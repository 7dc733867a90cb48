# osce тақырыбының интерфейс жолдары: қазақ тілі.

## Навигация және беттің жалпы элементтері

skip-link = Негізгі мазмұнға өту
nav-main = Негізгі навигация
nav-home = Басты бет
nav-releases = Баспасөз хабарламалары
language-switcher = Тіл
footer-generated = Мұрағат pressroom көмегімен жасалған

## Басты бет

latest-releases = Соңғы баспасөз хабарламалары
all-releases = Барлық баспасөз хабарламалары
read-more = Толығырақ
no-releases = Әзірге баспасөз хабарламалары жоқ.

# $count: баспасөз хабарламаларының жалпы саны
# (қазақ тілінде сан есімнен кейін зат есім жекеше түрде тұрады)
releases-count =
    { $count ->
        [one] { $count } баспасөз хабарламасы
       *[other] { $count } баспасөз хабарламасы
    }

## Баспасөз хабарламаларының тізімі және беттер бойынша навигация

releases-heading = Баспасөз хабарламалары
# $current: ағымдағы беттің нөмірі, $total: беттер саны
page-n-of-m = { $total } беттің { $current }-беті
pagination-label = Баспасөз хабарламаларының беттері
pagination-first = Бірінші
pagination-previous = Алдыңғы
pagination-next = Келесі
pagination-last = Соңғы
# $number: бет нөмірі (экраннан оқу бағдарламалары үшін)
pagination-page = { $number }-бет

## Баспасөз хабарламалары

# Одан кейін көрсетілген тілдің өз тіліндегі атауы тұрады.
not-translated = Аудармасы жоқ. Көрсетілген нұсқа:
available-in = Қолжетімді тілдер:
tags-label = Тақырыптар:
# $count: тізім көрсетпейтін тақырыптар саны (ол алғашқы бесеуін көрсетеді)
more-tags = тағы { $count } тақырып
location-label = Орны:
published-on = Жарияланған күні:
# Before the author and licence of a release's photo.
photo-credit = Фото:
draft-badge = Жоба нұсқасы
other-languages = Осы баспасөз хабарламасы басқа тілдерде

## Қате беті және тіл таңдау

not-found-title = Бет табылмады
not-found-text = Сіз іздеген бет жоқ немесе басқа мекенжайға көшірілген. Оны баспасөз хабарламаларының мұрағатынан табуға болады.
back-home = Басты бетке оралу
choose-language = Тілді таңдаңыз
