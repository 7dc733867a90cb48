# Іздеу жолы мен іздеу бетінің мәтіндері: қазақша.

search-label = Мұрағаттан іздеу
search-field = Іздеу
search-placeholder = Баспасөз хабарламаларынан іздеу
search-submit = Іздеу
search-heading = Іздеу
search-needs-js = Іздеу браузерде жұмыс істейді және JavaScript қажет етеді, ал ол өшірулі немесе қолжетімсіз. Мұрағатты тақырыптар мен жылдар бойынша қарауға болады.
search-browse-topics = Барлық тақырыптар
search-year = Жыл
search-topic = Тақырып
search-any-year = Кез келген жыл
search-any-topic = Кез келген тақырып
# $count: табылған хабарламалар мен беттер саны
search-count =
    { $count ->
        [one] { $count } нәтиже табылды
       *[other] { $count } нәтиже табылды
    }
search-none = Ештеңе табылмады. Басқа сөзді немесе азырақ сөз енгізіп көріңіз.
search-loading = Ізделуде…
search-failed = Іздеу индексі жүктелмеді. Кейінірек қайталап көріңіз.
search-more = Тағы көрсету
