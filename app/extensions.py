"""Extensions, created unbound here and bound to the app in create_app()."""
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.security_headers import SecurityHeaders

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


MAX_ID = 2**31 - 1  # the largest integer key both databases store (ids are 32-bit on PostgreSQL)


def one_of(column: str, values: Iterable[str], name: str | None = None) -> sa.CheckConstraint:
    """CHECK that `column` holds one of `values`, written ``column IN ('a', 'b')``, named ``<column>_known``.

    The values come from the feature's one definition of them, so the database refuses what the code does not know;
    changing them changes the constraint, which needs a migration."""
    return sa.CheckConstraint(sa.column(column).in_(tuple(values)), name=name or f"{column}_known")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Rate limits: no default limit; the registration views carry theirs (app.web.limits). The client is
# the request's remote address, as ProxyFix leaves it (TRUSTED_PROXY_COUNT).
limiter = Limiter(key_func=get_remote_address)
headers = SecurityHeaders()
