# Interface strings for the press office's contacts and reading on: Russian.

## Media contact on every release

media-enquiries = Контакты для СМИ
contact-phone = Телефон:
contact-email = Эл. почта:
# Printed under a release, followed by its web address.
print-source = В интернете:

## Reading on

related-releases = Похожие пресс-релизы
# Names the navigation between a release and the one before and after it.
sequence-label = Предыдущий и следующий пресс-релиз
previous-release = Предыдущий
next-release = Следующий
