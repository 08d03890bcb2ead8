"""The demo calendar's reference data: the centre's real activities and partners (2020 annual report).

Texts are data, not interface strings: each activity carries its own French, Dutch and English text.
"""
from __future__ import annotations

# code: (fr, nl, en)
THEMES = {
    "job_search": ("Recherche d'emploi", "Werk zoeken", "Job search"),
    "training": ("Formations et études", "Opleidingen en studies", "Training and studies"),
    "occupations": ("Découverte des métiers", "Beroepen ontdekken", "Discovering occupations"),
    "self_employment": ("Entrepreneuriat", "Ondernemen", "Self-employment"),
    "guidance": ("Orientation", "Oriëntatie", "Career guidance"),
}

AUDIENCES = {
    "job_seekers": ("Chercheurs d'emploi", "Werkzoekenden", "Job seekers"),
    "students": ("Étudiants", "Studenten", "Students"),
    "young_people": ("Jeunes et NEET", "Jongeren en NEET's", "Young people and NEETs"),
    "parents": ("Parents", "Ouders", "Parents"),
    "career_changers": ("Personnes en reconversion", "Mensen die zich heroriënteren", "People changing careers"),
    "pupils": ("Élèves du secondaire", "Leerlingen secundair onderwijs", "Secondary school pupils"),
    "teachers": ("Enseignants", "Leerkrachten", "Teachers"),
    "entrepreneurs": ("Porteurs de projet", "Startende ondernemers", "Would-be entrepreneurs"),
}

# slug: (fr, nl, en, preferred videoconference provider, website)
PARTNERS = {
    "actiris": ("Actiris", "Actiris", "Actiris", None, "https://www.actiris.brussels"),
    "bruxelles-formation": ("Bruxelles Formation", "Bruxelles Formation", "Bruxelles Formation", "whereby",
                            "https://www.bruxellesformation.brussels"),
    "vdab-brussel": ("VDAB Brussel", "VDAB Brussel", "VDAB Brussel", None, "https://www.vdab.be"),
    "leerwinkel": ("Leerwinkel Brussel", "Leerwinkel Brussel", "Leerwinkel Brussel", None, ""),
    "pole-academique": ("Pôle Académique de Bruxelles", "Pôle Académique de Bruxelles",
                        "Pôle Académique de Bruxelles", "google_meet", ""),
    "huis-voor-gezondheid": ("Huis voor Gezondheid", "Huis voor Gezondheid", "Huis voor Gezondheid", None, ""),
    "focus-carriere": ("Focus Carrière", "Focus Carrière", "Focus Carrière", None, ""),
    "intec-brussel": ("Intec Brussel", "Intec Brussel", "Intec Brussel", None, ""),
    "womenpreneur": ("Womenpreneur Initiative", "Womenpreneur Initiative", "Womenpreneur Initiative", None, ""),
    "brik": ("Brik", "Brik", "Brik", None, ""),
    "efp": ("EFP – Espace Formation PME", "EFP – Espace Formation PME", "EFP – SME Training Centre", "whereby",
            "https://www.efp.be"),
    "fwb": ("Fédération Wallonie-Bruxelles", "Federatie Wallonië-Brussel", "Wallonia-Brussels Federation", None,
            "https://www.federation-wallonie-bruxelles.be"),
}

# Venues and rooms are named by their French name below (the key staff see first); every text has its
# French, Dutch and English version (Brussels streets and communes have an official French and Dutch name).
CENTRE = "Cité des métiers"
EFP_VENUE = "EFP – Espace Formation PME"
MULTIMEDIA = "Espace multimédia"
CONFERENCE = "Salle de conférence"

# French name: {"name", "address", "notes": (fr, nl, en), "rooms": [((fr, nl, en) name, capacity, (fr, nl, en) notes)]}
VENUES = {
    CENTRE: {
        "name": (CENTRE, "Beroepenpunt", "Cité des métiers"),
        "address": ("Avenue de l'Astronomie 14, 1210 Saint-Josse-ten-Noode",
                    "Sterrenkundelaan 14, 1210 Sint-Joost-ten-Node", ""),
        "notes": ("Entrée de plain-pied, ascenseur vers tous les étages, toilettes adaptées.",
                  "Gelijkvloerse ingang, lift naar alle verdiepingen, aangepast toilet.",
                  "Step-free entrance, lift to every floor, accessible toilets."),
        "rooms": [
            (("Auditorium", "Auditorium", "Auditorium"), 60,
             ("Boucle magnétique, places pour fauteuils roulants.", "Ringleiding, plaatsen voor rolstoelen.",
              "Hearing loop, wheelchair spaces.")),
            (("Horizon", "Horizon", "Horizon"), 24,
             ("Tables réglables en hauteur.", "In hoogte verstelbare tafels.", "Height-adjustable tables.")),
            (("Tremplin", "Tremplin", "Tremplin"), 16,
             ("Salle calme, lumière naturelle.", "Rustige zaal met daglicht.", "Quiet room with daylight.")),
            ((MULTIMEDIA, "Multimediaruimte", "Multimedia room"), 12,
             ("Ordinateurs avec loupe d'écran.", "Computers met schermvergroting.",
              "Computers with screen magnifiers.")),
        ],
    },
    EFP_VENUE: {
        "name": (EFP_VENUE, "EFP – Espace Formation PME", "EFP – SME Training Centre"),
        "address": ("Rue de Stalle 292B, 1180 Uccle", "Stallestraat 292B, 1180 Ukkel", ""),
        "notes": ("Accès de plain-pied par l'entrée principale.", "Gelijkvloerse toegang via de hoofdingang.",
                  "Step-free access through the main entrance."),
        "rooms": [((CONFERENCE, "Conferentiezaal", "Conference room"), 40, ("", "", ""))],
    },
}
# The names earlier demos gave, French and Dutch in one field: brought up to date under their French name.
FORMER_NAMES = {"Cité des métiers / Beroepenpunt": CENTRE, "Espace multimédia / Multimediaruimte": MULTIMEDIA,
                "Salle de conférence / Conferentiezaal": CONFERENCE}


def _texts(fr, nl, en):
    """(title, summary, description) per language."""
    return {"fr": fr, "nl": nl, "en": en}


# slug: dict(theme, audiences, language, minutes, capacity, organiser, cohosts, schools_only, texts)
ACTIVITIES = {
    "how-to-use-your-cv": dict(
        theme="job_search", audiences=["job_seekers", "career_changers"], language="fr_nl", minutes=120, capacity=16,
        organiser=None, cohosts=["actiris"],
        texts=_texts(
            ("Comment utiliser votre CV",
             "Faites de votre CV un véritable outil de recherche d'emploi.",
             "Un bon CV ne sert pas qu'à répondre aux offres : il vous accompagne dans toute votre recherche d'emploi. "
             "Pendant cet atelier, nous voyons comment l'adapter à chaque candidature, le mettre en valeur en ligne et "
             "l'utiliser lors d'un entretien ou d'une candidature spontanée. Apportez votre CV actuel si vous en "
             "avez un."),
            ("Hoe gebruik je je cv?",
             "Maak van je cv een echt hulpmiddel bij het zoeken naar werk.",
             "Een goed cv dient niet alleen om op vacatures te reageren: het helpt je tijdens je hele zoektocht naar "
             "werk. In deze workshop bekijken we hoe je het aanpast aan elke sollicitatie, het online in de kijker zet "
             "en gebruikt tijdens een gesprek of een spontane sollicitatie. Breng je huidige cv mee als je er een "
             "hebt."),
            ("How to use your CV",
             "Turn your CV into a real tool for your job search.",
             "A good CV is not just for answering job ads: it supports your whole job search. In this workshop we look "
             "at how to tailor it to each application, showcase it online and use it in an interview or an unsolicited "
             "application. Bring your current CV if you have one."),
        ),
    ),
    "applying-by-video": dict(
        theme="job_search", audiences=["job_seekers", "young_people"], language="fr", minutes=90, capacity=12,
        organiser="actiris", cohosts=[],
        texts=_texts(
            ("Postuler par vidéo",
             "Réussir sa candidature et son entretien d'embauche à distance.",
             "De plus en plus d'employeurs recrutent par vidéo : entretien en visioconférence, CV vidéo ou questions "
             "enregistrées. Cet atelier vous aide à préparer votre matériel, votre cadre et votre présentation, puis à "
             "vous exercer devant la caméra. Vous repartez avec des conseils concrets et un retour personnalisé."),
            ("Solliciteren via video",
             "Je sollicitatie en sollicitatiegesprek op afstand goed aanpakken.",
             "Steeds meer werkgevers rekruteren via video: een gesprek via videoconferentie, een video-cv of opgenomen "
             "vragen. In deze workshop bereid je je materiaal, je achtergrond en je presentatie voor en oefen je voor "
             "de camera. Je gaat naar huis met concrete tips en persoonlijke feedback."),
            ("Applying for jobs by video",
             "Get your remote application and job interview right.",
             "More and more employers recruit by video: interviews by videoconference, video CVs or recorded "
             "questions. This workshop helps you prepare your equipment, your setting and the way you present "
             "yourself, then practise in front of the camera. You leave with practical tips and personal feedback."),
        ),
    ),
    "work-linked-training": dict(
        theme="training", audiences=["young_people", "job_seekers", "parents"], language="fr_nl", minutes=120,
        capacity=20, organiser="efp", cohosts=["bruxelles-formation", "vdab-brussel"],
        texts=_texts(
            ("Découvrir la formation en alternance : un cours, un stage, un emploi",
             "Apprendre un métier en combinant cours et pratique en entreprise.",
             "L'alternance permet de se former à un métier tout en travaillant en entreprise, avec un statut et une "
             "rémunération. Nos conseillers et l'EFP présentent les filières possibles, les conditions d'accès et les "
             "démarches pour trouver une entreprise d'accueil. Une séance pour les jeunes, les parents et toute "
             "personne qui veut apprendre autrement."),
            ("Duaal leren ontdekken: een opleiding, een stage, een job",
             "Een beroep leren door lessen te combineren met praktijk op de werkvloer.",
             "Met duaal leren leer je een beroep terwijl je in een bedrijf werkt, met een statuut en een vergoeding. "
             "Onze adviseurs en EFP stellen de mogelijke richtingen voor, de toelatingsvoorwaarden en de stappen om "
             "een bedrijf te vinden dat je opleidt. Een sessie voor jongeren, ouders en iedereen die op een andere "
             "manier wil leren."),
            ("Discovering work-linked training: a course, an internship, a job",
             "Learn a trade by combining classes with practice in a company.",
             "Work-linked training lets you learn an occupation while working in a company, with a status and an "
             "allowance. Our advisers and EFP present the possible courses, the entry requirements and the steps to "
             "find a host company. A session for young people, parents and anyone who wants to learn differently."),
        ),
    ),
    "becoming-a-teacher": dict(
        theme="occupations", audiences=["students", "career_changers", "job_seekers"], language="fr_nl", minutes=120,
        capacity=30, organiser="fwb", cohosts=["pole-academique"],
        texts=_texts(
            ("Devenir enseignant : missions, études et accompagnement",
             "Tout savoir sur le métier d'enseignant et les chemins pour y arriver.",
             "Les écoles bruxelloises manquent d'enseignants, dans le fondamental comme dans le secondaire. Cette "
             "séance présente le métier au quotidien, les études et les titres requis, ainsi que les possibilités de "
             "reconversion pour les adultes qui ont déjà un diplôme. Des questions-réponses avec des professionnels "
             "terminent la séance."),
            ("Leerkracht worden: taken, studies en begeleiding",
             "Alles over het beroep van leerkracht en de wegen ernaartoe.",
             "Brusselse scholen hebben te weinig leerkrachten, zowel in het basis- als in het secundair onderwijs. "
             "Deze sessie stelt het dagelijkse werk voor, de vereiste studies en diploma's, en de mogelijkheden voor "
             "volwassenen die al een diploma hebben en van loopbaan willen veranderen. We sluiten af met vragen aan "
             "mensen uit het vak."),
            ("Becoming a teacher: duties, studies and support",
             "All about the teaching profession and the ways into it.",
             "Brussels schools are short of teachers, in primary as in secondary education. This session presents the "
             "day-to-day job, the studies and qualifications required, and the options for adults who already hold a "
             "degree and want to change careers. It ends with questions and answers with people from the profession."),
        ),
    ),
    "becoming-a-nurse": dict(
        theme="occupations", audiences=["job_seekers", "career_changers", "students"], language="fr_nl", minutes=120,
        capacity=24, organiser="huis-voor-gezondheid", cohosts=["actiris", "vdab-brussel"],
        texts=_texts(
            ("Devenir infirmier : métier, études et accompagnement",
             "Découvrir un métier en pénurie, les formations et les aides disponibles.",
             "Les soins infirmiers offrent de nombreux emplois à Bruxelles, à l'hôpital, en maison de repos ou à "
             "domicile. Avec le Huis voor Gezondheid, nous présentons le métier, les formations en français et en "
             "néerlandais, et les aides pour se former quand on cherche un emploi. Une séance utile aussi si vous "
             "envisagez une reconversion."),
            ("Verpleegkundige worden: beroep, studies en begeleiding",
             "Ontdek een knelpuntberoep, de opleidingen en de beschikbare steun.",
             "Verpleegkunde biedt veel jobs in Brussel, in het ziekenhuis, in een woonzorgcentrum of in de thuiszorg. "
             "Samen met het Huis voor Gezondheid stellen we het beroep voor, de opleidingen in het Nederlands en het "
             "Frans, en de steun om als werkzoekende een opleiding te volgen. Ook nuttig als je een nieuwe loopbaan "
             "overweegt."),
            ("Becoming a nurse: job, studies and support",
             "Discover an occupation in short supply, the courses and the help available.",
             "Nursing offers many jobs in Brussels, in hospitals, care homes and home care. With Huis voor Gezondheid "
             "we present the job, the courses in French and in Dutch, and the support for job seekers who want to "
             "train. Also useful if you are thinking about a career change."),
        ),
    ),
    "career-focus-network": dict(
        theme="guidance", audiences=["career_changers", "job_seekers"], language="fr", minutes=90, capacity=15,
        organiser="focus-carriere", cohosts=[],
        texts=_texts(
            ("Focus carrière : comment repenser mon réseau ?",
             "Identifier, activer et élargir son réseau professionnel.",
             "La plupart des emplois se trouvent grâce au réseau, mais on ne sait pas toujours par où commencer. Avec "
             "Focus Carrière, vous cartographiez vos contacts, apprenez à les solliciter sans gêne et à utiliser "
             "LinkedIn à bon escient. Un atelier pratique, en petit groupe."),
            ("Loopbaanfocus: hoe herbekijk ik mijn netwerk?",
             "Je professionele netwerk in kaart brengen, activeren en uitbreiden.",
             "De meeste jobs vind je via je netwerk, maar vaak weet je niet waar te beginnen. Met Focus Carrière breng "
             "je je contacten in kaart, leer je ze zonder schroom aan te spreken en LinkedIn doordacht te gebruiken. "
             "Een praktische workshop in een kleine groep, in het Frans."),
            ("Career focus: How do I rethink my network?",
             "Map, activate and widen your professional network.",
             "Most jobs are found through a network, but it is not always clear where to start. With Focus Carrière "
             "you map your contacts, learn to approach them without awkwardness and use LinkedIn wisely. A practical "
             "workshop in a small group, in French."),
        ),
    ),
    "self-employment-african-origin": dict(
        theme="self_employment", audiences=["entrepreneurs", "job_seekers"], language="fr", minutes=180, capacity=25,
        organiser="womenpreneur", cohosts=[],
        texts=_texts(
            ("Entreprendre pour les personnes d'origine africaine",
             "Une demi-journée pour passer de l'idée au projet d'entreprise.",
             "Vous avez une idée d'entreprise ou d'activité indépendante ? Cette demi-journée présente les étapes pour "
             "se lancer à Bruxelles : statut, financement, accompagnement et réseaux d'entrepreneurs. Des "
             "entrepreneurs d'origine africaine partagent leur parcours et répondent à vos questions."),
            ("Ondernemen voor mensen van Afrikaanse afkomst",
             "Een halve dag om van een idee naar een ondernemingsproject te gaan.",
             "Heb je een idee voor een zaak of een activiteit als zelfstandige? Deze halve dag overloopt de stappen om "
             "in Brussel te starten: statuut, financiering, begeleiding en netwerken van ondernemers. Ondernemers van "
             "Afrikaanse afkomst vertellen over hun traject en beantwoorden je vragen."),
            ("Self-employment for people of African origin",
             "Half a day to go from an idea to a business project.",
             "Do you have an idea for a business or for working as a self-employed person? This half-day goes through "
             "the steps to start up in Brussels: status, funding, support and entrepreneurs' networks. Entrepreneurs "
             "of African origin share their stories and answer your questions."),
        ),
    ),
    "police-pre-training": dict(
        theme="occupations", audiences=["job_seekers", "young_people"], language="fr", minutes=180, capacity=40,
        organiser="bruxelles-formation", cohosts=["actiris"],
        texts=_texts(
            ("Préformation police",
             "Se préparer aux épreuves de sélection de la police.",
             "La police recrute à Bruxelles, et une préformation aide à mettre toutes les chances de son côté. Cette "
             "séance présente les métiers de la police, les conditions d'admission, les épreuves de sélection et le "
             "programme de la préformation. Vous pourrez poser vos questions aux formateurs."),
            ("Vooropleiding politie",
             "Je voorbereiden op de selectieproeven van de politie.",
             "De politie werft aan in Brussel, en een vooropleiding vergroot je kansen. Deze sessie stelt de beroepen "
             "bij de politie voor, de toelatingsvoorwaarden, de selectieproeven en het programma van de vooropleiding. "
             "Je kunt je vragen stellen aan de opleiders."),
            ("Police pre-training",
             "Prepare for the police selection tests.",
             "The police are recruiting in Brussels, and a pre-training course helps you give yourself every chance. "
             "This session presents police occupations, the entry requirements, the selection tests and the "
             "pre-training programme. You can put your questions to the trainers."),
        ),
    ),
    "working-at-the-airport": dict(
        theme="occupations", audiences=["job_seekers"], language="fr_nl", minutes=180, capacity=40,
        organiser="vdab-brussel", cohosts=["actiris", "bruxelles-formation"],
        texts=_texts(
            ("Travailler à l'aéroport",
             "Les métiers et les recrutements de l'aéroport de Bruxelles.",
             "L'aéroport de Bruxelles emploie des milliers de personnes : sécurité, manutention des bagages, "
             "nettoyage, restauration, logistique. Cette demi-journée présente les métiers, les compétences demandées, "
             "les horaires et les formations qui y mènent. Des employeurs de l'aéroport viennent parler de leurs "
             "recrutements."),
            ("Werken op de luchthaven",
             "De beroepen en aanwervingen op Brussels Airport.",
             "Brussels Airport stelt duizenden mensen tewerk: beveiliging, bagageafhandeling, schoonmaak, horeca en "
             "logistiek. Deze halve dag stelt de beroepen voor, de gevraagde vaardigheden, de werkuren en de "
             "opleidingen die ertoe leiden. Werkgevers van de luchthaven vertellen over hun aanwervingen."),
            ("Working at the airport",
             "Jobs and recruitment at Brussels Airport.",
             "Brussels Airport employs thousands of people in security, baggage handling, cleaning, catering and "
             "logistics. This half-day presents the jobs, the skills required, the working hours and the courses that "
             "lead to them. Employers from the airport come to talk about their recruitment."),
        ),
    ),
    "verder-studeren-in-brussel": dict(
        theme="training", audiences=["students", "young_people", "parents"], language="nl", minutes=90, capacity=25,
        organiser="leerwinkel", cohosts=["brik"],
        texts=_texts(
            ("Verder studeren in Brussel (études supérieures en néerlandais)",
             "Les études supérieures en néerlandais à Bruxelles : filières, inscription et vie étudiante.",
             "Vous souhaitez poursuivre vos études dans une haute école ou une université néerlandophone à Bruxelles ? "
             "La Leerwinkel et Brik présentent l'offre de formations, l'inscription, les aides financières et le "
             "logement étudiant. Cette séance se déroule en néerlandais."),
            ("Verder studeren in Brussel",
             "Hoger onderwijs in het Nederlands in Brussel: richtingen, inschrijving en studentenleven.",
             "Wil je na het secundair verder studeren aan een hogeschool of universiteit in Brussel? De Leerwinkel en "
             "Brik stellen het Nederlandstalige hoger onderwijs voor, met de inschrijving, studiefinanciering en "
             "studentenhuisvesting. Deze sessie is in het Nederlands."),
            ("Verder studeren in Brussel (higher education in Dutch)",
             "Dutch-language higher education in Brussels: courses, enrolment and student life.",
             "Do you want to go on to a Dutch-language university college or university in Brussels? The Leerwinkel "
             "and Brik present the courses, enrolment, study grants and student housing. This session is given in "
             "Dutch."),
        ),
    ),
    "study-wednesdays": dict(
        theme="training", audiences=["students", "young_people", "parents"], language="fr", minutes=120, capacity=30,
        organiser="pole-academique", cohosts=[],
        texts=_texts(
            ("Les mercredis des études : que faire après le secondaire ?",
             "Choisir ses études supérieures avec le Pôle Académique de Bruxelles.",
             "Chaque mercredi après-midi, la Cité des métiers et le Pôle Académique accueillent les jeunes qui "
             "terminent le secondaire. Universités, hautes écoles, écoles supérieures des arts, promotion sociale : on "
             "compare les filières, les conditions d'accès et le coût des études. Les parents sont les bienvenus."),
            ("Studiewoensdagen: wat na het secundair?",
             "Je hogere studies kiezen met de Pôle Académique de Bruxelles.",
             "Elke woensdagnamiddag ontvangen het Beroepenpunt en de Pôle Académique jongeren die het secundair "
             "afronden. Universiteiten, hogescholen, kunsthogescholen, onderwijs voor sociale promotie: we vergelijken "
             "de richtingen, de toelatingsvoorwaarden en de kosten van de studies. Ouders zijn welkom; de sessie is in "
             "het Frans."),
            ("Study Wednesdays: what after secondary school?",
             "Choose your higher education with the Pôle Académique de Bruxelles.",
             "Every Wednesday afternoon the Cité des métiers and the Pôle Académique welcome young people who are "
             "finishing secondary school. Universities, university colleges, art schools, adult education: we compare "
             "the courses, the entry requirements and the cost of studying. Parents are welcome; the session is in "
             "French."),
        ),
    ),
    "thursday-late-sessions": dict(
        theme="guidance", audiences=["job_seekers", "career_changers", "students", "young_people"], language="fr_nl",
        minutes=180, capacity=40, organiser=None, cohosts=["actiris", "bruxelles-formation", "vdab-brussel"],
        texts=_texts(
            ("Nocturnes du jeudi : conseils en orientation jusqu'à 19 h",
             "Des conseils en fin de journée, après le travail ou les cours.",
             "Chaque jeudi, la Cité des métiers reste ouverte jusqu'à 19 h. Conseillers et partenaires répondent à vos "
             "questions sur l'emploi, la formation, les études et les métiers, en français ou en néerlandais. Idéal si "
             "vous travaillez ou étudiez pendant la journée."),
            ("Late donderdagen: loopbaanadvies tot 19 uur",
             "Advies op het einde van de dag, na je werk of je lessen.",
             "Elke donderdag blijft het Beroepenpunt open tot 19 uur. Adviseurs en partners beantwoorden je vragen "
             "over werk, opleiding, studies en beroepen, in het Nederlands of in het Frans. Ideaal als je overdag "
             "werkt of studeert."),
            ("Thursday late sessions: career advice until 7 pm",
             "Advice at the end of the day, after work or classes.",
             "Every Thursday the Cité des métiers stays open until 7 pm. Advisers and partners answer your questions "
             "about jobs, training, studies and occupations, in French or in Dutch. Ideal if you work or study during "
             "the day."),
        ),
    ),
    "pto": dict(
        theme="guidance", audiences=["pupils", "teachers"], language="fr", minutes=100, capacity=25,
        organiser="fwb", cohosts=[], schools_only=True,
        texts=_texts(
            ("PTO – Parcours d'orientation pour les élèves de 2e secondaire",
             "Un parcours en classe pour aider les élèves de 13-14 ans à réfléchir à leur orientation.",
             "Le PTO accompagne les élèves de 2e année du secondaire (13-14 ans) au moment de choisir leur "
             "orientation. En plusieurs étapes, ils découvrent leurs intérêts, les options du 2e degré et des métiers "
             "qui leur correspondent. Réservé aux écoles : l'enseignant réserve pour sa classe."),
            ("PTO – Oriëntatietraject voor leerlingen van het 2de jaar",
             "Een traject in de klas dat leerlingen van 13-14 jaar helpt bij hun studiekeuze.",
             "Het PTO begeleidt leerlingen van het 2de jaar secundair onderwijs (13-14 jaar) bij hun studiekeuze. In "
             "verschillende stappen ontdekken ze hun interesses, de richtingen van de 2de graad en beroepen die bij "
             "hen passen. Alleen voor scholen: de leerkracht reserveert voor de klas."),
            ("PTO – Guidance pathway for 2nd-year pupils",
             "A classroom pathway helping 13-14-year-olds think about their choices.",
             "PTO supports 2nd-year secondary school pupils (aged 13-14) as they choose their next steps. In several "
             "stages they discover their interests, the options open to them in the next years of secondary school and "
             "occupations that suit them. For schools only: the teacher books for the class."),
        ),
    ),
    "explorama": dict(
        theme="occupations", audiences=["pupils", "teachers"], language="fr_nl", minutes=100, capacity=25,
        organiser=None, cohosts=[], schools_only=True,
        texts=_texts(
            ("Explorama",
             "Découvrir des environnements professionnels pour réfléchir à son avenir.",
             "Explorama fait découvrir aux élèves des environnements de travail variés : en plein air, en atelier, au "
             "bureau, au contact des gens. En choisissant ceux qui les attirent, ils commencent à dessiner un projet "
             "professionnel. Réservé aux classes, à la Cité des métiers ou à l'école."),
            ("Explorama",
             "Werkomgevingen ontdekken om na te denken over je toekomst.",
             "Met Explorama ontdekken leerlingen allerlei werkomgevingen: buiten, in een werkplaats, op kantoor, "
             "tussen de mensen. Door te kiezen wat hen aantrekt, beginnen ze een beroepsproject uit te tekenen. Alleen "
             "voor klassen, in het Beroepenpunt of op school."),
            ("Explorama",
             "Explore working environments to think about the future.",
             "Explorama introduces pupils to a wide range of working environments: outdoors, in a workshop, in an "
             "office, with people. By choosing the ones that appeal to them, they start to shape a career plan. For "
             "classes only, at the Cité des métiers or at school."),
        ),
    ),
    "inforizon": dict(
        theme="guidance", audiences=["pupils", "teachers"], language="fr", minutes=100, capacity=25,
        organiser=None, cohosts=[], schools_only=True,
        texts=_texts(
            ("Inforizon",
             "Découvrir, explorer et évaluer ses intérêts professionnels.",
             "Avec Inforizon, les élèves découvrent leurs intérêts professionnels grâce à un questionnaire, puis "
             "explorent les métiers qui y correspondent. Un conseiller les aide à évaluer ces pistes et à préparer "
             "leurs prochaines questions. Réservé aux classes du secondaire."),
            ("Inforizon",
             "Je beroepsinteresses ontdekken, verkennen en evalueren.",
             "Met Inforizon ontdekken leerlingen hun beroepsinteresses via een vragenlijst en verkennen ze daarna de "
             "beroepen die erbij passen. Een adviseur helpt hen die pistes te evalueren en hun volgende vragen voor te "
             "bereiden. Alleen voor klassen uit het secundair onderwijs."),
            ("Inforizon",
             "Discover, explore and evaluate your career interests.",
             "With Inforizon, pupils discover their career interests through a questionnaire, then explore the "
             "occupations that match them. An adviser helps them weigh up these leads and prepare their next "
             "questions. For secondary school classes only."),
        ),
    ),
    "pass-avenir": dict(
        theme="guidance", audiences=["pupils", "teachers"], language="fr", minutes=100, capacity=25,
        organiser="fwb", cohosts=[], schools_only=True,
        texts=_texts(
            ("Pass'Avenir",
             "Des questions par thème pour identifier ses centres d'intérêt.",
             "Pass'Avenir invite les élèves à répondre à des questions regroupées par thèmes pour mettre des mots sur "
             "ce qui les intéresse. Les résultats servent de point de départ à une discussion en classe sur les études "
             "et les métiers. Réservé aux écoles partenaires."),
            ("Pass'Avenir",
             "Vragen per thema om je interesses te leren kennen.",
             "Met Pass'Avenir beantwoorden leerlingen vragen die per thema gegroepeerd zijn, zodat ze woorden kunnen "
             "geven aan wat hen interesseert. De resultaten vormen het vertrekpunt voor een gesprek in de klas over "
             "studies en beroepen. Alleen voor partnerscholen."),
            ("Pass'Avenir",
             "Questions by theme to identify your interests.",
             "Pass'Avenir asks pupils to answer questions grouped by theme, so that they can put into words what "
             "interests them. The results are the starting point for a class discussion about studies and occupations. "
             "For partner schools only."),
        ),
    ),
}

# Weekly series: (activity, ISO weekdays, "HH:MM", format, venue, room). Duration and capacity from the activity.
SERIES = [
    ("how-to-use-your-cv", [2], "10:00", "online", None, None),
    ("applying-by-video", [5], "10:00", "hybrid", CENTRE, "Horizon"),
    ("work-linked-training", [1], "14:00", "online", None, None),
    ("career-focus-network", [1], "10:00", "face_to_face", CENTRE, "Tremplin"),
    ("verder-studeren-in-brussel", [2], "16:00", "online", None, None),
    ("study-wednesdays", [3], "14:00", "hybrid", CENTRE, "Auditorium"),
    ("thursday-late-sessions", [4], "16:00", "face_to_face", CENTRE, "Horizon"),
    ("pto", [2, 4], "09:00", "face_to_face", CENTRE, "Auditorium"),
    ("explorama", [1], "09:30", "face_to_face", CENTRE, MULTIMEDIA),
]

# One-off sessions: (activity, days from today, "HH:MM", format, venue, room, cancelled because)
ONE_OFFS = [
    ("becoming-a-teacher", -9, "13:30", "online", None, None, ""),
    ("becoming-a-teacher", 12, "14:00", "online", None, None, ""),
    ("becoming-a-teacher", 40, "10:00", "hybrid", CENTRE, "Auditorium", ""),
    ("becoming-a-nurse", -5, "10:00", "hybrid", CENTRE, "Auditorium", ""),
    ("becoming-a-nurse", 19, "10:00", "hybrid", CENTRE, "Auditorium", ""),
    ("becoming-a-nurse", 47, "14:00", "face_to_face", CENTRE, "Horizon", ""),
    ("self-employment-african-origin", -3, "09:30", "face_to_face", CENTRE, "Horizon", ""),
    ("self-employment-african-origin", 26, "09:30", "face_to_face", CENTRE, "Horizon", ""),
    ("police-pre-training", 8, "09:30", "face_to_face", CENTRE, "Auditorium", ""),
    ("police-pre-training", 36, "09:30", "face_to_face", CENTRE, "Auditorium", ""),
    ("working-at-the-airport", -12, "09:30", "face_to_face", CENTRE, "Auditorium", ""),
    ("working-at-the-airport", 15, "09:30", "face_to_face", CENTRE, "Auditorium",
     {"fr": "Les employeurs ont reporté leurs recrutements.", "nl": "De werkgevers hebben hun aanwervingen uitgesteld.",
      "en": "The employers have postponed their recruitment."}),
    ("working-at-the-airport", 29, "09:30", "face_to_face", CENTRE, "Auditorium", ""),
    ("work-linked-training", 22, "10:00", "face_to_face", EFP_VENUE, CONFERENCE, ""),
    ("inforizon", 5, "09:00", "face_to_face", CENTRE, MULTIMEDIA, ""),
    ("inforizon", 33, "13:00", "online", None, None, ""),
    ("pass-avenir", 10, "10:00", "online", None, None, ""),
    ("pass-avenir", 24, "10:00", "face_to_face", CENTRE, "Tremplin", ""),
]

# The exceptions the demo shows: one date skipped, one occurrence moved (to the next day, same time).
SKIP = ("thursday-late-sessions", 21, {"fr": "Fermeture exceptionnelle.", "nl": "Uitzonderlijke sluiting.",
                                        "en": "Exceptional closure."})
MOVE = ("how-to-use-your-cv", 14, 1, {"fr": "Déplacé au lendemain.", "nl": "Verplaatst naar de volgende dag.",
                                      "en": "Moved to the next day."})

WINDOW_BEFORE_DAYS = 14
WINDOW_AFTER_DAYS = 56
