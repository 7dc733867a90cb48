# Interface strings for the press office's contacts and reading on: Kazakh.

## Media contact on every release

media-enquiries = БАҚ өкілдеріне арналған байланыс
contact-phone = Телефон:
contact-email = Эл. пошта:
# Printed under a release, followed by its web address.
print-source = Интернетте:

## Reading on

related-releases = Ұқсас баспасөз хабарламалары
# Names the navigation between a release and the one before and after it.
sequence-label = Алдыңғы және келесі баспасөз хабарламасы
previous-release = Алдыңғы
next-release = Келесі
