"""Twenty common Finnish names in five inflected forms each (nominative, genitive, allative,
elative, partitive), and sentences to put them in: shared by the scrub and erasure tests."""

NAMES = {
    "Matti": ("Matti", "Matin", "Matille", "Matista", "Mattia"),
    "Pekka": ("Pekka", "Pekan", "Pekalle", "Pekasta", "Pekkaa"),
    "Antti": ("Antti", "Antin", "Antille", "Antista", "Anttia"),
    "Juha": ("Juha", "Juhan", "Juhalle", "Juhasta", "Juhaa"),
    "Mikko": ("Mikko", "Mikon", "Mikolle", "Mikosta", "Mikkoa"),
    "Anna": ("Anna", "Annan", "Annalle", "Annasta", "Annaa"),
    "Maria": ("Maria", "Marian", "Marialle", "Mariasta", "Mariaa"),
    "Liisa": ("Liisa", "Liisan", "Liisalle", "Liisasta", "Liisaa"),
    "Sanna": ("Sanna", "Sannan", "Sannalle", "Sannasta", "Sannaa"),
    "Päivi": ("Päivi", "Päivin", "Päiville", "Päivistä", "Päiviä"),
    "Virtanen": ("Virtanen", "Virtasen", "Virtaselle", "Virtasesta", "Virtasta"),
    "Korhonen": ("Korhonen", "Korhosen", "Korhoselle", "Korhosesta", "Korhosta"),
    "Nieminen": ("Nieminen", "Niemisen", "Niemiselle", "Niemisestä", "Niemistä"),
    "Mäkinen": ("Mäkinen", "Mäkisen", "Mäkiselle", "Mäkisestä", "Mäkistä"),
    "Hämäläinen": ("Hämäläinen", "Hämäläisen", "Hämäläiselle", "Hämäläisestä", "Hämäläistä"),
    "Laine": ("Laine", "Laineen", "Laineelle", "Laineesta", "Lainetta"),
    "Heikkinen": ("Heikkinen", "Heikkisen", "Heikkiselle", "Heikkisestä", "Heikkistä"),
    "Koskinen": ("Koskinen", "Koskisen", "Koskiselle", "Koskisesta", "Koskista"),
    "Mattila": ("Mattila", "Mattilan", "Mattilalle", "Mattilasta", "Mattilaa"),
    "Lehtonen": ("Lehtonen", "Lehtosen", "Lehtoselle", "Lehtosesta", "Lehtosta"),
}
# Each form where it fits, in the middle of a sentence as a customer note would have it.
SENTENCES = (
    "Asiakaspalvelussa {} kertoi, että toimitus viivästyy viikolla.",
    "Tilaus tehtiin {} nimissä, mutta lasku meni väärään osoitteeseen.",
    "Lähetimme {} uuden laskun ja hyvityksen sähköpostilla.",
    "Kuulimme {} palautetta kassan hitaudesta.",
    "Emme tavoittaneet {} puhelimitse kolmeen päivään.",
)


def texts() -> list[tuple[str, str, str]]:
    """(name, form, sentence) for every name and form."""
    return [
        (name, form, sentence.format(form))
        for name, forms in NAMES.items()
        for form, sentence in zip(forms, SENTENCES, strict=True)
    ]
