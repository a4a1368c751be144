"""The words the provider records share: the days their sources were read, the note every
imitation carries, the credential kinds and mechanism names a preset may use, what each
port kind means, and the texts of ``describe()`` and ``get_provider()``. Tables only; the
record kinds are in ``records``, the logic in ``__init__``."""

from ..i18n import N_, Texts

__all__: list[str] = []  # smtplab.providers re-exports what learners use

READ_ON = "2026-11-27"
"""The day the stored copies of the sources were read."""

READ_ON_ISSUE_16 = "2026-12-06"
"""The day the sources added for issue 16 (QQ's 501 and 550, NetEase's DT:SPM) were read."""

IMITATION_NOTE = N_(
    "Imitation built from public reports (issues and posts quoting client debug logs), "
    "not a recording: this project has not contacted the provider. Client names and "
    "addresses were replaced by documentation values."
)

# What a program must give as the password (values compared in code; `_()` shows them).
CREDENTIAL_PASSWORD = N_("password")
CREDENTIAL_APP_PASSWORD = N_("app password")
CREDENTIAL_AUTHORIZATION_CODE = N_("authorization code")
CREDENTIAL_OAUTH2_ONLY = N_("oauth2 only")
CREDENTIAL_ORGANISATION = N_("set by your organisation")
CREDENTIALS = frozenset(
    {CREDENTIAL_PASSWORD, CREDENTIAL_APP_PASSWORD, CREDENTIAL_AUTHORIZATION_CODE}
    | {CREDENTIAL_OAUTH2_ONLY, CREDENTIAL_ORGANISATION}
)

KNOWN_MECHANISMS = frozenset(
    {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER", "XOAUTH"}
    | {"PLAIN-CLIENTTOKEN", "XYMCOOKIE"}  # Google's and Yahoo's own
)
"""Every mechanism name that appears in a preset or in an observed AUTH line."""

PORT_KINDS = {
    "tls": N_("implicit TLS (security='tls')"),
    "starttls": N_("STARTTLS (security='starttls')"),
}
"""What each ``security`` value means, as the advice and :func:`describe` say it (in
English: read them through ``_()``)."""

# describe()'s and get_provider()'s texts.
DESCRIBE: Texts[str] = Texts(
    {
        "basic yes": N_("yes: a user name and the secret above log in"),
        "basic no": N_("no: the provider dropped password logins"),
        "basic depends": N_("depends (see the notes)"),
        "verified": N_("verified"),
        "not verified": N_("NOT verified against the live service"),
        "observed": N_(
            "greeting, EHLO and error texts quoted from public reports (imitation material, "
            "not recordings)"
        ),
        "unknown preset": N_(
            "no provider preset called {name}. Known presets: {known} "
            "(aliases such as 'qqmail', 'netease', 'hotmail', 'm365' work too)."
        ),
    }
)
