# Interface strings for tags, years and feeds: English.

nav-tags = Topics
tags-heading = Topics
# $count: number of topics
tags-count =
    { $count ->
        [one] { $count } topic
       *[other] { $count } topics
    }
no-tags = No topics yet.
years-heading = Archive by year
years-label = Archive by year
# $year: a year such as 2015
year-heading = Press releases of { $year }
feed-subscribe = Subscribe (Atom feed)
