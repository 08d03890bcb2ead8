"""Accounts: creating them, logging in (rate-limited, never telling whether an account exists),
resetting a lost password through a signed link by e-mail, switching accounts on and off."""
from __future__ import annotations

import hashlib
import math
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError
from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from zxcvbn import zxcvbn

from app.accounts.models import ROLES, STAFF_ROLES, LoginAttempt, User, new_session_key
from app.calendar.models import Partner
from app.database import lock_names
from app.errors import DomainError, Gone, ValidationError
from app.extensions import db
from app.i18n import LANGS
from app.messages.models import Kind, OutboxMessage
from app.messages.outbox import queue_message
from app.timeutil import utcnow
from app.validation import clean_text, email_key, name_error
from app.validation import normalise_email as normalise_address

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # hashing a megabyte on every attempt would be an easy way to tire the server
# zxcvbn's estimate of a password's strength, 0 to 4; below 2 (fewer than a million guesses) it is among
# the common passwords of its lists, a repeated character or word, a sequence or a keyboard row.
MIN_STRENGTH = 2
STRENGTH_CHARS = 72  # zxcvbn's own bound: it reads the first 72 characters
RESET_SALT = "account-password-reset"
RESET_MAX_AGE = 3600  # seconds: a reset link works for one hour, and once
RESETS_PER_WINDOW = 3  # reset e-mails to one account per window; more are silently not sent
# Outbox kinds of account messages: their text carries a link that sets the password, for its addressee only.
ACCOUNT_KINDS = (Kind.PASSWORD_RESET, Kind.ACCOUNT_WELCOME)

_hashers: dict[tuple, PasswordHasher] = {}
_unknown_hashes: dict[tuple, str] = {}


def _params() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("ARGON2_TIME_COST", 3)), int(config.get("ARGON2_MEMORY_KIB", 65536))


def hasher() -> PasswordHasher:
    """argon2id with the configured cost (tests lower it; production keeps argon2's defaults)."""
    params = _params()
    if params not in _hashers:
        _hashers[params] = PasswordHasher(time_cost=params[0], memory_cost=params[1])
    return _hashers[params]


def _unknown_hash() -> str:
    """A hash verified for unknown accounts, so that the time spent does not tell them apart."""
    params = _params()
    if params not in _unknown_hashes:
        _unknown_hashes[params] = hasher().hash(secrets.token_urlsafe(16))
    return _unknown_hashes[params]


class LoginFailed(DomainError):
    """Wrong e-mail address or password; the same words whether the account exists or not."""

    status = 401

    def __init__(self):
        super().__init__({"_": _("E-mail address or password incorrect.")})


class TooManyAttempts(DomainError):
    status = 429

    def __init__(self, minutes: int):
        self.minutes = minutes
        super().__init__({"_": ngettext("Too many attempts, try again in %(num)s minute.",
                                         "Too many attempts, try again in %(num)s minutes.", minutes)})


# --- creating and changing accounts -------------------------------------------------------------


def normalise_email(raw: str) -> str:
    """An account's address: checked, then lower-cased whole (one account per address); raises EmailNotValidError."""
    return email_key(normalise_address(raw))


def password_problem(password: str | None, email: str) -> str | None:
    """Why a new password cannot be used, or None."""
    if not password or len(password) < MIN_PASSWORD:
        return _("Choose a password of at least %(count)s characters.", count=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("The password is too long (%(count)s characters at most).", count=MAX_PASSWORD)
    if "\x00" in password:
        return _("The password contains characters that cannot be used.")
    if email and password.strip().lower() == email.lower():
        return _("The password cannot be your e-mail address.")
    hints = [email, email.split("@", 1)[0]] if email else []
    if zxcvbn(password[:STRENGTH_CHARS], user_inputs=hints)["score"] < MIN_STRENGTH:
        return _("This password is too easy to guess: it is a common one, a repeated character or word, or a "
                 "sequence. Choose another one, a few words of your own for example.")
    return None


def _set_password(user: User, password: str) -> None:
    """Hash the password and stamp its change: sessions opened before it end, reset links stop working.

    The stamp counts in whole seconds (see User.get_id), so it always moves on by one second at least."""
    user.password_hash = hasher().hash(password)
    now = utcnow().replace(microsecond=0)
    if user.password_changed_at is not None:
        previous = user.password_changed_at.replace(microsecond=0)
        now = max(now, previous + timedelta(seconds=1))
    user.password_changed_at = now
    user.session_key = new_session_key()  # every session of the account ends


def end_sessions(user: User) -> None:
    """Log the account out everywhere: the cookies of its sessions no longer open anything (logging out)."""
    user.session_key = new_session_key()
    db.session.flush()


def create_user(email: str, name: str, role: str, password: str | None = None, partner: Partner | str | None = None,
                language: str = "fr", welcome: bool = False, school=None) -> User:
    """A new account. Without a password, an unusable random one: the person sets theirs through the
    link of the welcome message (`welcome`), or of a reset asked on the login page."""
    errors: dict[str, str] = {}
    try:
        email = normalise_email(email)
    except EmailNotValidError:
        errors["email"] = _("Give a valid e-mail address of 254 characters at most, such as name@example.be.")
    name = clean_text(name)
    problem = name_error(name, _("Give the person's name."))
    if problem:
        errors["name"] = str(problem)
    if role not in ROLES and not (role == "school" and school is not None):  # a school contact: with its school
        errors["role"] = _("Choose a role: admin, coordinator, counsellor or partner.")
    if isinstance(partner, str):
        found = db.session.scalar(db.select(Partner).where(Partner.slug == partner)) if len(partner) <= 80 else None
        if found is None:
            errors["partner"] = _("Unknown partner organisation.")
        partner = found
    if role == "partner" and partner is None and "partner" not in errors:
        errors["partner"] = _("A partner user belongs to a partner organisation: choose one.")
    elif role in STAFF_ROLES and partner is not None:
        errors["partner"] = _("Staff of the centre belong to no partner organisation.")
    if language not in LANGS:
        errors["language"] = _("Choose French, Dutch or English.")
    if password is not None and "email" not in errors:
        problem = password_problem(password, email)
        if problem:
            errors["password"] = problem
    if "email" not in errors and db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        errors["email"] = _("An account with this e-mail address exists already.")
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name, role=role, partner=partner, language=language, active=True,
                school=school if role == "school" else None)
    _set_password(user, password if password is not None else secrets.token_urlsafe(32))
    db.session.add(user)
    try:
        db.session.flush()
        if welcome and password is None:
            _enqueue_account_message(user, "account_welcome")
    except IntegrityError as exc:
        raise ValidationError({"email": _("An account with this e-mail address exists already.")}) from exc
    return user


def set_active(user: User, active: bool, by: User) -> User:
    """Switch an account off (its sessions end at their next request) or on again."""
    if not active and user.id == by.id:
        raise ValidationError({"_": _("You cannot deactivate your own account.")})
    user.active = active
    db.session.flush()
    return user


def set_password(email: str, password: str) -> User:
    """An administrator's command: give an account a new password; its open sessions end."""
    user = find_user(email)
    if user is None:
        raise ValidationError({"email": _("There is no account with this e-mail address.")})
    problem = password_problem(password, user.email)
    if problem:
        raise ValidationError({"password": problem})
    _set_password(user, password)
    db.session.flush()
    return user


def find_user(email: str) -> User | None:
    try:
        email = normalise_email(email)
    except EmailNotValidError:
        return None
    return db.session.scalar(db.select(User).where(User.email == email))


# --- logging in ---------------------------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("LOGIN_WINDOW_MINUTES", 15)))


def _mailbox(email: str) -> str:
    try:
        return normalise_email(email)
    except EmailNotValidError:
        return (email or "").strip().lower()[:254]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:24]


def _keys(email: str, ip: str | None) -> tuple[str, str, str]:
    """The counters of an attempt: its account, its address, and the pair (account, address)."""
    mailbox, address = _mailbox(email), (ip or "unknown")[:200]
    return "account:" + mailbox, "ip:" + address, f"pair:{_digest(mailbox)}:{_digest(address)}"


def _wait_minutes(key: str, limit: int, now) -> int | None:
    """Minutes until `key` is below `limit` failures in the window again; None when it is now."""
    since = now - _window()
    times = list(db.session.scalars(db.select(LoginAttempt.at).where(LoginAttempt.key == key, LoginAttempt.at > since)
                                    .order_by(LoginAttempt.at)))
    if len(times) < limit:
        return None
    frees_at = times[len(times) - limit] + _window()
    return max(1, math.ceil((frees_at - now).total_seconds() / 60))


def authenticate(email: str, password: str, ip: str | None) -> User:
    """The account for this e-mail address and password, or LoginFailed / TooManyAttempts.

    Limits, counted in the window (LOGIN_WINDOW_MINUTES):
    - per address, LOGIN_MAX_PER_IP failures whatever the accounts: the address is refused;
    - per account, LOGIN_MAX_PER_ACCOUNT failures from any address: from then on an address that has
      failed against this account is refused without checking, while one that has not gets its password
      checked (one try each). So a stranger's guesses never lock out the right password typed elsewhere,
      and guessing spread over many addresses gets one try per new address once the limit is reached.
    The attempts on one account and from one address are counted one after the other (a lock held until
    the use case commits): a burst of simultaneous guesses gets exactly the tries the limits allow.
    """
    config, now = current_app.config, utcnow()
    account_key, ip_key, pair_key = _keys(email, ip)
    lock_names(account_key, ip_key, busy_message=_("Too many attempts at once. Please try again."))
    ip_wait = _wait_minutes(ip_key, int(config.get("LOGIN_MAX_PER_IP", 20)), now)
    if ip_wait:
        raise TooManyAttempts(ip_wait)
    account_wait = _wait_minutes(account_key, int(config.get("LOGIN_MAX_PER_ACCOUNT", 5)), now)
    if account_wait and _wait_minutes(pair_key, 1, now):
        raise TooManyAttempts(account_wait)
    user = find_user(email)
    password = (password or "")[:MAX_PASSWORD]
    try:
        hasher().verify(user.password_hash if user is not None else _unknown_hash(), password)
        good = user is not None and user.active
    except (VerificationError, InvalidHashError):
        good = False
    keys = [account_key, ip_key, pair_key]
    if not good:
        db.session.add_all([LoginAttempt(key=key, at=now) for key in keys])
        db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.key.in_(keys),
                                                         LoginAttempt.at <= now - _window()))
        db.session.flush()
        raise LoginFailed()
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)  # same password: the stamp stays, sessions too
    user.last_login_at = now
    _forget_account_failures(user.email)
    db.session.flush()
    return user


def _forget_account_failures(email: str) -> None:
    db.session.execute(db.delete(LoginAttempt).where(db.or_(
        LoginAttempt.key == "account:" + email, LoginAttempt.key.like(f"pair:{_digest(email)}:%"))))


# --- lost passwords -----------------------------------------------------------------------------


def password_stamp(user: User) -> int:
    return int(user.password_changed_at.timestamp())


def reset_serializer(signer: type[TimestampSigner] = TimestampSigner) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT, signer=signer)


def reset_token(user: User) -> str:
    """Signed and dated; it names the account and its password's age, so it works once."""
    return reset_serializer().dumps({"u": user.id, "s": password_stamp(user)})


def reset_link(user: User) -> str:
    return f"{current_app.config['BASE_URL']}/{user.language}/account/reset/{reset_token(user)}"


def user_for_reset(token: str, max_age: int = RESET_MAX_AGE) -> User:
    """The account a reset link is for; Gone when expired, used, forged or for a closed account."""
    gone = Gone({"token": _("This link has expired or was used already. Ask for a new one.")})
    try:
        data = reset_serializer().loads(token or "", max_age=max_age)
    except SignatureExpired:
        raise gone from None
    except BadSignature:
        raise gone from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("s"), int):
        raise gone
    user = db.session.get(User, data["u"]) if 0 < data["u"] < 2**31 else None
    if user is None or not user.active or password_stamp(user) != data["s"]:
        raise gone
    return user


def _enqueue_account_message(user: User, kind: str) -> OutboxMessage | None:
    with force_locale(user.language):
        subject = (_("Your account at the Cité des métiers") if kind == Kind.ACCOUNT_WELCOME
                   else _("Choose a new password"))
    context = dict(user=user, link=reset_link(user), hours=RESET_MAX_AGE // 3600,
                   login=f"{current_app.config['BASE_URL']}/{user.language}/account/login")
    return queue_message(kind, to_email=user.email, to_name=user.name, language=user.language, subject=subject,
                         template="messages/account_password_reset", context=context)


def request_password_reset(email: str, lang: str | None = None) -> None:
    """Send a reset link when the address has an active account; nothing tells the caller which.

    The message is in the account's language (`lang` is the page's, used for nothing else).
    At most RESETS_PER_WINDOW messages per account and window, so the form cannot flood a mailbox.
    The same work is done for an address without an account (the count, the attempt stored, the
    message rendered, then not queued), so that the time of the answer does not tell them apart."""
    user = find_user(email)
    known = user is not None and user.active
    now, key = utcnow(), "reset:" + (user.email if user is not None else _mailbox(email))
    sent = db.session.scalar(db.select(db.func.count(LoginAttempt.id)).where(
        LoginAttempt.key == key, LoginAttempt.at > now - _window()))
    db.session.add(LoginAttempt(key=key, at=now))
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.key == key, LoginAttempt.at <= now - _window()))
    if known and sent < RESETS_PER_WINDOW:
        _enqueue_account_message(user, "password_reset")
    else:
        _render_unsent_reset(email, lang or "fr")
    db.session.flush()


def _render_unsent_reset(email: str, lang: str) -> None:
    """The texts a reset message would have, for nobody: the work of `_enqueue_account_message` unqueued."""
    stand_in = User(id=0, email=_mailbox(email), name=_mailbox(email), language=lang if lang in LANGS else "fr",
                    password_changed_at=utcnow())
    with force_locale(stand_in.language):
        subject = _("Choose a new password")
        values = dict(user=stand_in, link=reset_link(stand_in), hours=RESET_MAX_AGE // 3600, kind="password_reset",
                      login=f"{current_app.config['BASE_URL']}/{stand_in.language}/account/login",
                      lang=stand_in.language, to_name=stand_in.name, subject=subject)
        render_template("messages/account_password_reset.txt", **values)
        render_template("messages/account_password_reset.html", **values)


def reset_password(token: str, new_password: str, max_age: int = RESET_MAX_AGE) -> User:
    """Set the password of a reset link's account; the link and every open session stop working."""
    user = user_for_reset(token, max_age=max_age)
    problem = password_problem(new_password, user.email)
    if problem:
        raise ValidationError({"password": problem})
    _set_password(user, new_password)
    _forget_account_failures(user.email)
    db.session.flush()
    return user
