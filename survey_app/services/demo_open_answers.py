"""The demo's open answers: what people might write, written for Écoute.

Invented sentences in plain French and English, of varied length, some with
spelling mistakes as people type on a phone, a few with personal data (all
invented: names, numbers, addresses) so that de-identification has something
to do. They fill the demo's empty long free-text answers once, deterministically
(their own seed), and never overwrite an answer.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Answer, Response, Study
from survey_app.services import open_answers

OPEN_ANSWER_SEED = 17_2026
SHARE_ANSWERING = 0.6

FRENCH = (
    # listened to, respected
    "Je me sens écoutée, on ne me juge pas. Ça fait du bien.",
    "Pour une fois quelqu'un prend le temps de m'écouter vraiment.",
    "on m'écoute et on me respecte, merci",
    "L'éducatrice m'écoute sans me couper la parole, c'est rare.",
    "Je me suis senti respecté du début à la fin.",
    "Ils écoutent vraiment ce qu'on dit, pas comme ailleurs.",
    "je me sens ecouter et comprise",
    "On m'a écouté sans me faire la morale.",
    "Merci de m'avoir écoutée quand ça n'allait pas du tout.",
    "C'est la première fois qu'on me demande mon avis, ça me fait plaisir.",
    "Les gens ici sont gentils et à l'écoute.",
    "Je me sens respectée comme une personne, pas comme un dossier.",
    # waiting, appointments
    "Il y a trop d'attente pour avoir un rendez-vous.",
    "Les rendez-vous sont trop espacés, un mois c'est long quand on est dans la galère.",
    "on attend longtemps dans le couloir avant d'être reçu",
    "Le téléphone sonne dans le vide, il faut rappeler plusieurs fois.",
    "J'aimerais des rendez-vous plus souvent.",
    "Attendre trois semaines pour un rendez-vous c'est trop long.",
    "Les horaires ne sont pas pratiques quand on travaille le matin.",
    "Il faudrait pouvoir venir le samedi ou le soir.",
    "trop d'attente au telephone, personne decroche",
    "Le délai pour avoir une réponse est beaucoup trop long.",
    # housing
    "Je cherche toujours un logement, c'est le plus dur.",
    "On vit à quatre dans une pièce, on attend un logement social depuis longtemps.",
    "Grâce à l'accompagnement on a enfin un appartement.",
    "le logement est humide et les enfants tombent malade",
    "J'ai eu de l'aide pour la demande de logement, ça avance doucement.",
    "Sans logement c'est impossible de se projeter.",
    "On m'a aidée à monter le dossier pour le logement social.",
    "je dors chez des amis en attendant un logement",
    # paperwork, rights
    "On m'a aidé à remplir les papiers de la CAF, seul je n'y arrivais pas.",
    "Les papiers c'est compliqué, heureusement qu'on m'aide.",
    "Grâce à vous j'ai enfin mes droits ouverts à la CAF.",
    "Le dossier de la préfecture m'angoisse, on m'a expliqué étape par étape.",
    "les demarches administrative sont trop compliquer pour moi",
    "On m'a aidée à faire ma déclaration d'impôts en ligne.",
    "Je comprends mieux mes droits maintenant.",
    "Il y a trop de papiers à fournir, on se perd.",
    # work, training
    "J'ai trouvé une formation grâce à ma conseillère.",
    "Je cherche du travail mais sans diplôme c'est difficile.",
    "On m'a aidé à faire mon CV et ma lettre de motivation.",
    "J'ai repris confiance pour chercher du travail.",
    "j'ai eu un entretien d'embauche grace a vous",
    "J'aimerais plus d'aide pour trouver un emploi.",
    "Le stage m'a donné envie de reprendre une formation.",
    # confidence, loneliness, mood
    "Je me sens moins seule depuis que je viens aux ateliers.",
    "J'ai repris confiance en moi petit à petit.",
    "Avant je n'osais pas sortir de chez moi, maintenant ça va mieux.",
    "ca va mieux dans ma tete depuis que je viens",
    "Je suis plus autonome, je fais mes courses et mes démarches seule.",
    "Le groupe de parole m'a beaucoup aidée à sortir de l'isolement.",
    "Je me sens plus forte qu'avant.",
    "Je suis toujours fatigué et un peu perdu.",
    # children, family
    "Mes enfants vont mieux à l'école grâce au soutien scolaire.",
    "On m'a aidée pour la garde des enfants, je peux enfin chercher du travail.",
    "Il faudrait plus de places en crèche.",
    "les activités pour les enfants pendant les vacances c'est super",
    "Je voudrais plus d'aide pour mon fils qui a des difficultés.",
    "Ma fille a retrouvé le sourire.",
    # transport, access
    "Le bureau est loin, le bus coûte cher.",
    "C'est difficile de venir sans voiture.",
    "Le bâtiment n'est pas accessible en fauteuil, il faut le dire.",
    "Le bus ne passe pas souvent, j'arrive toujours en retard.",
    # language
    "Je ne parle pas bien français, il faudrait un interprète.",
    "Les cours de français m'ont donné confiance.",
    "Les questions étaient faciles à comprendre.",
    "Merci pour les explications en anglais.",
    # short and general
    "Merci pour tout.",
    "rien a dire",
    "Tout est bien.",
    "Continuez comme ça !",
    "merci bcp a toute l'équipe",
    "Super équipe, très humaine.",
    "C'est bien mais ça pourrait aller plus vite.",
    # with personal data (invented)
    "Merci à Nadia qui m’a aidée pour les papiers, vous pouvez me rappeler au 06 12 34 56 78.",
    "Je m'appelle Karim Benali, j'habite 12 rue des Lilas, je veux un rendez-vous plus vite.",
    "Mme Durand est très gentille mais le logement n'avance pas.",
    "mon numéro allocataire c'est 2456789, la CAF me demande encore des papiers",
    "Mon fils Lucas va mieux à l'école, merci à l'éducatrice Sophie Martin.",
    "Écrivez-moi à fatou.diallo@example.fr pour le rendez-vous, le téléphone ne marche plus.",
    "Au foyer Les Tilleuls on attend trop longtemps pour un logement.",
    "je suis née le 12/03/1985 et je cherche du travail depuis deux ans",
    "Merci à Moussa de l'accueil, toujours souriant, il m'écoute.",
    "Depuis que M. Lefebvre m'accompagne, j'ai repris confiance.",
)

ENGLISH = (
    "I feel listened to and nobody judges me.",
    "For the first time someone really took the time to listen.",
    "they listen and treat me with respect",
    "Staff are kind and respectful, I feel like a person not a number.",
    "The waiting time for an appointment is far too long.",
    "I had to call many times before someone answered the phone.",
    "Appointments are too far apart when you are struggling.",
    "It would help to have evening appointments because I work.",
    "too much waiting, the phone is always busy",
    "I'm still looking for somewhere to live, that's the hardest part.",
    "We are four people in one room, waiting for a flat.",
    "They helped me with the housing application, it is moving slowly.",
    "the flat is damp and the kids keep getting sick",
    "They helped me fill in the benefits forms, I could not do it alone.",
    "The paperwork is so complicated, thank goodness for the help.",
    "I understand my rights much better now.",
    "too many forms and documents to bring",
    "I found a training course thanks to my adviser.",
    "They helped me write my CV and I got an interview.",
    "I am more confident looking for a job now.",
    "I feel less lonely since I started coming to the workshops.",
    "I got my confidence back little by little.",
    "i feel more independant now, i do my shopping alone",
    "The support group helped me get out of the house.",
    "My children are doing better at school with the homework club.",
    "We need more nursery places.",
    "the holiday activities for the kids are great",
    "The office is far and the bus is expensive.",
    "It is hard to come without a car.",
    "I don't speak French well, an interpreter would help.",
    "Thank you for explaining everything in English.",
    "The questions were easy to understand.",
    "Thank you for everything.",
    "nothing to add",
    "Keep up the good work!",
    "Great team, very human.",
    "Good service but it could be quicker.",
    "Thanks to Sarah for helping me with my benefits, call me on 07700 900123.",
    "My name is Priya and I live at 14 Elm Road, I still need a flat.",
    "My key worker Daniel really listens to me, thank you.",
    "email me at j.smith@example.com, my phone is broken",
)

_ENDINGS_FR = ("", "", "", "", "", " Merci.", " Voilà.", " Merci encore")
_ENDINGS_EN = ("", "", "", "", "", " Thanks.", " That's all.")


def _variant(rng: random.Random, text: str, language: str) -> str:
    """A little variation, as different people would type the same idea."""
    ending = rng.choice(_ENDINGS_FR if language == "fr" else _ENDINGS_EN)
    if ending and text.rstrip()[-1:] not in ".!?":
        text = text.rstrip() + "."
    text = text + ending
    if rng.random() < 0.12:
        text = text.lower()
    return text


def ensure_open_answers(session: Session, study: Study) -> int:
    """Fill the study's empty open answers once; return how many were written.

    Idempotent: when any open answer of the study already has text, nothing
    is written. Suggestions are computed so the quality manager finds them
    waiting; validating them stays a person's job.
    """
    keys = open_answers.open_question_keys(session, study)
    rows = session.execute(
        select(Answer, Response.language)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.study_id == study.id, Answer.question_key.in_(keys))
        .order_by(Response.completed_on, Answer.response_id, Answer.question_key)
    ).all()
    if any(answer.value for answer, _ in rows):
        return 0
    rng = random.Random(OPEN_ANSWER_SEED)  # noqa: S311  (reproducible demo data, not secrets)
    written = 0
    for answer, language in rows:
        if rng.random() >= SHARE_ANSWERING:
            continue
        pool = ENGLISH if language == "en" else FRENCH
        answer.value = _variant(rng, rng.choice(pool), language)
        written += 1
    session.flush()
    if written:
        open_answers.suggest(session, study, actor=None)
    return written
