"""Build knowledge/langue/lemmes.tsv: the inflected forms of the words the questions use.

Run by staff or developers after adding words or questions (``pip install simplemma`` first; the
bot itself never imports it):

    python tools/build_lemmas.py

simplemma's French dictionary (lexicon by Michal Měchura, Open Database License) gives each
inflected form its lemma ("inscris" -> "inscrire", "amies" -> "ami"). Both are folded (no accents)
like the messages. Only the forms whose lemma is also the lemma of a word the knowledge uses
(phrasings, synonyms) are kept, and not the words the knowledge already uses or ignores: a few
thousand lines instead of 200,000, so the bot loads them in milliseconds. The matcher uses a form's
lemma only for a word it does not know otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.knowledge import load
from bot.textnorm import fold

OUT = ROOT / "knowledge" / "langue" / "lemmes.tsv"
HEADER = """# FORMES DES MOTS ET LEUR FORME DE BASE (« lemme »)
# Fichier produit par tools/build_lemmas.py à partir du dictionnaire français de
# simplemma (lexique de Michal Měchura, licence Open Database License).
# Une ligne par forme : la forme, une tabulation, la forme de base, sans accent.
# Le bot s'en sert pour un mot qu'il ne connaît pas autrement (« inscris » ->
# « inscrire »). Vous pouvez ajouter des lignes à la main ; relancer l'outil
# refait le fichier.
"""


def folded_dictionary() -> dict[str, str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    table: dict[str, str] = {}
    exact: set[str] = set()
    for form, lemma in DefaultDictionaryFactory().get_dictionary("fr").items():
        folded_form, folded_lemma = fold(form), fold(lemma)
        if not folded_form.isalpha() or folded_form == folded_lemma:
            continue
        if folded_form in exact and form != folded_form:
            continue  # the unaccented form itself wins over an accented one that folds to it
        table[folded_form] = folded_lemma
        if form == folded_form:
            exact.add(folded_form)
    return table


def main() -> int:
    knowledge = load(ROOT / "knowledge")
    snapshot, lex = knowledge.snapshot, knowledge.questions.lex
    full = folded_dictionary()
    known = {w for q in snapshot.questions.values() for p in q.phrasings for w in lex.normalize(p).split()}
    known |= set(lex.synonyms) | set(lex.synonyms.values())
    lemmas = {full.get(w, w) for w in known}
    keep = {f: lemma for f, lemma in full.items() if lemma in lemmas and f not in known and f not in lex.stopwords}
    OUT.write_text(HEADER + "".join(f"{f}\t{keep[f]}\n" for f in sorted(keep)), encoding="utf-8")
    print(f"{len(keep)} formes écrites dans {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
