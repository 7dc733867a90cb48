# Interface strings of the search box and page: English.

search-label = Search the archive
search-field = Search
search-placeholder = Search press releases
search-submit = Search
search-heading = Search
search-needs-js = Search works in your browser and needs JavaScript, which is turned off or not available. You can still browse the archive by topic or by year.
search-browse-topics = Browse by topic
search-year = Year
search-topic = Topic
search-any-year = Any year
search-any-topic = Any topic
# $count: number of releases and pages found
search-count =
    { $count ->
        [one] { $count } result
       *[other] { $count } results
    }
search-none = Nothing found. Try another word or fewer words.
search-loading = Searching…
search-failed = The search index could not be loaded. Try again later.
search-more = Show more results
