# Тақырыптар, жылдар мұрағаты және арналар: қазақша.

nav-tags = Тақырыптар
tags-heading = Тақырыптар
# $count: тақырыптар саны
tags-count =
    { $count ->
        [one] { $count } тақырып
       *[other] { $count } тақырып
    }
no-tags = Әзірге тақырыптар жоқ.
years-heading = Жылдар бойынша мұрағат
years-label = Жылдар бойынша мұрағат
# $year: жыл, мысалы 2015
year-heading = { $year } жылғы баспасөз хабарламалары
feed-subscribe = Жазылу (Atom арнасы)
