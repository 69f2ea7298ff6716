"""The web console for mentors and staff: server-rendered pages on Fremad's own aiohttp.

- app.py        the aiohttp application: request middlewares, routes, templates, start/stop
- security.py   headers (CSP without inline scripts), the login rate limit, CSRF
- sign_in.py    single-use links from `/web` in the bot, sessions (no aiohttp here)
- auth.py       the sign-in, sign-out and "open /web in the bot" pages
- mentor_pages.py / mentor_views.py   "My young people", one young person, their actions
- staff_scripts.py / script_preview.py   scripts: versions, editor, live check, preview, publish
- staff_people.py   cohort, invites with QR code, hand-over, deletion requests
- charts.py     small SVG charts (no script needed to draw them)
"""
