# Interface strings for the press office's contacts and reading on: English.

## Media contact on every release

media-enquiries = For media enquiries
contact-phone = Phone:
contact-email = E-mail:
# Printed under a release, followed by its web address.
print-source = Online:

## Reading on

related-releases = Related press releases
# Names the navigation between a release and the one before and after it.
sequence-label = Previous and next press release
previous-release = Previous
next-release = Next
