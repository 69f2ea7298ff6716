"""The linter's messages in Danish, for staff whose language is Danish.

The linter builds its messages in English (one code path, the form CI and editors show); this
table turns each kind of message into Danish. Names from the file (`energy`, step ids, field
names) stay as written. A message with no Danish form here is shown in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.dialogs.diagnostics import LintMessage

_SEVERITY = {"error": "fejl", "warning": "advarsel"}

# (English pattern, Danish replacement): tried in order, the first match wins.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), danish)
    for pattern, danish in (
        (r"^unknown field `(.+?)`(.*)$", r"ukendt felt `\1`\2"),
        (r"^`(.+?)` is not allowed here(.*)$", r"`\1` er ikke tilladt her\2"),
        (
            r"^`(.+?)` is not written the right way — expected (.*)$",
            r"`\1` er ikke skrevet rigtigt — forventet: \2",
        ),
        (r"^`(.+?)` is not written the right way$", r"`\1` er ikke skrevet rigtigt"),
        (r"^`(.+?)` is missing$", r"`\1` mangler"),
        (r"^should be (.*)$", r"skal være \1"),
        (
            r'^a time must be in quotes, like at: "14:00"$',
            r'et klokkeslæt skal stå i anførselstegn, fx at: "14:00"',
        ),
        (r"^needs at least (\d+) entries$", r"skal have mindst \1 punkter"),
        (r"^needs at most (\d+) entries$", r"må højst have \1 punkter"),
        (r"^must be at least (.+)$", r"skal være mindst \1"),
        (r"^must be at most (.+)$", r"skal være højst \1"),
        (r"^is empty; write a text$", r"er tom; skriv en tekst"),
        (
            r"^has no value \(a text with a comma inside \{\.\.\.\} must be in quotes\)$",
            r"har ingen værdi (en tekst med komma inde i {...} skal stå i anførselstegn)",
        ),
        (
            r"^line (\d+) has a ': ' YAML did not expect\. .*$",
            r"linje \1 har et ': ', som YAML ikke forventede. En tekst med ': ' i skal stå i "
            r'anførselstegn (text: "Næste uge: én ting"); ellers ryk linjen ind som linjerne '
            r"over den",
        ),
        (
            r"^line (\d+) is indented with a tab; .*$",
            r"linje \1 er rykket ind med tabulator; brug mellemrum (2 pr. niveau)",
        ),
        (
            r"^a quote \(\" or '\) opened on line (\d+) is never closed: .*$",
            r"et anførselstegn (\" eller ') på linje \1 bliver aldrig lukket: sæt det afsluttende "
            r"anførselstegn efter teksten",
        ),
        (
            r"^in a one-line block .*$",
            r"i en blok på én linje {da: ..., en: ...} eller en liste [...] skal en tekst med "
            r"""komma eller ': ' stå i anførselstegn: {da: "Ja, tak", en: "Yes, please"}""",
        ),
        (
            r"^line (\d+) is not lined up with the lines above it: .*$",
            r"linje \1 flugter ikke med linjerne over den: tjek mellemrummene i starten af "
            r"linjen (en tekst over flere linjer skal stå i anførselstegn)",
        ),
        (
            r"^a text that starts with (.+) needs quotes around it .*$",
            r"en tekst, der starter med \1, skal stå i anførselstegn",
        ),
        (
            r"^YAML anchors and aliases .*$",
            r"YAML-ankre og -aliaser (&navn / *navn) er ikke tilladt; skriv teksten ud",
        ),
        (r"^'(.+?)' appears twice in the same block$", r"'\1' står to gange i samme blok"),
        (
            r"^goes to step `(.+?)`, which does not exist(.*)$",
            r"går til trinnet `\1`, som ikke findes\2",
        ),
        (r"^no step saves an answer as `(.+?)`(.*)$", r"intet trin gemmer et svar som `\1`\2"),
        (r"^unknown variable `(.+?)` in condition(.*)$", r"ukendt variabel `\1` i betingelsen\2"),
        (
            r"^unknown variable \{(.+?)\}: no step saves its answer as `(.+?)`(.*)$",
            r"ukendt variabel {\1}: intet trin gemmer sit svar som `\2`\3",
        ),
        (r"^unknown variable \{(.+?)\}(.*)$", r"ukendt variabel {\1}\2"),
        (r"^unknown sub-goal `(.+?)`(.*)$", r"ukendt delmål `\1`\2"),
        (r"^step id '(.+?)' is used twice$", r"trin-id'et '\1' bruges to gange"),
        (r"^answer key '(.+?)' is used twice$", r"svarnøglen '\1' bruges to gange"),
        (r"^option value '(.+?)' is used twice$", r"svarværdien '\1' bruges to gange"),
        (r"^step '(.+?)' can never be reached$", r"trinnet '\1' kan aldrig nås"),
        (
            r"^step '(.+?)' is in a loop with no way out.*$",
            r"trinnet '\1' er i en løkke uden vej ud: samtalen kan aldrig slutte herfra",
        ),
        (r"^(.+) has no Danish text \(da\)$", r"\1 har ingen dansk tekst (da)"),
        (r"^(.+) has no English text \(en\)$", r"\1 har ingen engelsk tekst (en)"),
        (
            r"^crisis_check cannot be turned off.*$",
            r"crisis_check kan ikke slås fra: al fri tekst tjekkes for tegn på krise (slet "
            r"linjen)",
        ),
        (
            r"^/(.+?) is already one of Fremad's own commands; pick another name$",
            r"/\1 er allerede en af Fremads egne kommandoer; vælg et andet navn",
        ),
        (
            r"^a scale's min must be smaller than its max$",
            r"en skalas min skal være mindre end dens max",
        ),
        (r"^min is larger than max$", r"min er større end max"),
        (
            r"^(.+) is (\d+) characters; a button shows at most (\d+)$",
            r"\1 er \2 tegn; en knap viser højst \3",
        ),
        (r"^`end` comes before `start`$", r"`end` kommer før `start`"),
        (
            r"^the event `silent_days` needs `after_days: N`.*$",
            r"hændelsen `silent_days` skal have `after_days: N` (hvor mange tavse check-in-dage "
            r"før samtalen starter)",
        ),
        (
            r"^a trigger needs exactly one of `schedule:`, `event:` or `command:`(.*)$",
            r"en trigger skal have præcis én af `schedule:`, `event:` eller `command:`",
        ),
        (r"^'(.+?)' has no effect on a (.+?) step$", r"'\1' har ingen virkning på et \2-trin"),
        (r"^the file is empty$", r"filen er tom"),
        (
            r"^file is not UTF-8 text \(save it as UTF-8\)$",
            r"filen er ikke UTF-8-tekst (gem den som UTF-8)",
        ),
    )
)
_WHERE = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.*)$", re.DOTALL)
_HINT = (
    ("; did you mean ", "; mente du "),
    (" Valid: ", " Gyldige: "),
    ("; valid: ", "; gyldige: "),
)
_TYPES = (
    ("a text", "en tekst"),
    ("a whole number", "et helt tal"),
    ("a number", "et tal"),
    ("true or false", "true eller false"),
    ("a list (lines starting with '- ')", "en liste (linjer, der starter med '- ')"),
    ("a block of 'name: value' lines", "en blok af 'navn: værdi'-linjer"),
)


def danish(message: str) -> str:
    where, body = "", message
    match = _WHERE.match(message)
    if match and not match.group(1).isdigit() and " " not in match.group(1):
        where, body = match.group(1) + ": ", match.group(2)
    for pattern, replacement in _RULES:
        if pattern.match(body):
            body = pattern.sub(replacement, body, count=1)
            break
    for english, dansk in _HINT:
        body = body.replace(english, dansk)
    if body.startswith("skal være "):
        for english, dansk in _TYPES:
            body = body.replace(english, dansk)
    return where + body


def render(message: LintMessage, locale: str) -> str:
    """`file:line:col: severity: message` in the reader's language (Danish or English)."""
    if locale.split("-")[0] != "da":
        return str(message)
    severity = _SEVERITY[message.severity]
    return f"{message.file}:{message.line}:{message.col}: {severity}: {danish(message.message)}"


def render_all(messages: Iterable[LintMessage], locale: str) -> list[str]:
    return [render(m, locale) for m in messages]
