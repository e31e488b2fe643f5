"""The `congress` command line.

    congress serve [--host H] [--port P] [--workers N] [--demo]
    congress db upgrade | current
    congress demo
    congress user create --role ROLE --email E [--password P] [--name N]
    congress token create --email E [--name N] [--days D]
    congress token list --email E
    congress token revoke --email E [--name N]
    congress print programme|proceedings|attendance EVENT [--lang L] -o FILE
    congress backup FILE | restore FILE

Errors end the command with one readable line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from congress.cli import backup as backup_commands
from congress.cli import worker as worker_commands
from congress.cli.printing import add_print_command
from congress.commandline import CommandError, database, prepare_database, run
from congress.domain.publishing import commands as publishing_commands
from congress.domain.registration import commands as registration_commands
from congress.settings import Settings, get_settings

# Every table in the metadata before any command runs: exports and imports walk all of them,
# whichever models the command's own imports happen to load.
from congress.web import registry  # noqa: F401


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


# ---- commands ----------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from congress.app import create_app

    workers = args.workers or 1
    if workers > 1 and (settings.is_sqlite or settings.jobs != "queue"):
        # Several processes share the jobs' progress and the files only through Redis, the
        # object store and a database server; SQLite is for one process.
        raise CommandError(
            "--workers above 1 needs PostgreSQL (CONGRESS_DATABASE_URL) and CONGRESS_JOBS=queue"
        )
    created = prepare_database(settings)
    if args.demo or (created and settings.demo_on_first_start):
        loaded = run(_load_demo, settings, True)
        if loaded:
            print(f"loaded the demo event: {loaded}", file=sys.stderr)
    host = args.host or settings.host
    port = args.port or settings.port
    serving = f"congress serving on http://{host}:{port}/ (API docs at /schema)"
    if settings.log_format == "json":  # every line a JSON object, this one too
        from congress.logs import configure

        configure(settings.log_format)
        logging.getLogger("congress").info(serving)
    else:
        print(serving, file=sys.stderr)
    if workers > 1:
        settings.resolved_secret()  # made once here, not by each process at the same moment
    # Start the render workers now, so that the first PDF does not wait for them (seconds).
    from congress.documents.render import warm_up

    if settings.jobs == "local":  # in queue mode, the workers render
        warm_up(settings)
    from congress.logs import configure
    from congress.server.throttle import server_options

    options: dict[str, Any] = {}
    if settings.log_format == "json":
        # JSON lines with request ids; plain text keeps uvicorn's own configuration (with ours,
        # the server died during its shutdown, before "Application shutdown complete").
        configure(settings.log_format)
        options["log_config"] = None
    # Several processes (uvicorn's workers) each make their own application from the same
    # environment; one process gets it made here.
    app: Any = "congress.__main__:served_app" if workers > 1 else create_app(settings)
    uvicorn.run(
        app,
        factory=workers > 1,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        **options,
        **server_options(settings),
    )


def served_app() -> Any:
    """The application of one of `congress serve --workers N`'s processes."""
    from congress.app import create_app
    from congress.logs import configure

    settings = get_settings()
    if settings.log_format == "json":
        configure(settings.log_format)
    return create_app(settings)


def cmd_db(args: argparse.Namespace, settings: Settings) -> None:
    from congress.db.migrate import current_revision, head_revision, upgrade

    if args.action == "upgrade":
        upgrade(settings)
        print(f"database at revision {run(current_revision, settings)}")
    else:
        current = run(current_revision, settings)
        head = head_revision(settings)
        state = "up to date" if current == head else f"behind (latest is {head})"
        print(f"{current or 'empty (no revision)'}: {state}")


async def _load_demo(settings: Settings, only_if_missing: bool) -> str | None:
    from congress.demo import DEMO_SLUG, load_demo

    async with database(settings) as db:
        slug = await load_demo(db, only_if_missing=only_if_missing)
        await db.commit()
    return slug if slug else (None if only_if_missing else DEMO_SLUG)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    prepare_database(settings)
    slug = run(_load_demo, settings, False)
    print(f"demo event loaded: /api/v1/events/{slug}")


async def _create_user(
    settings: Settings, email: str, role: str, password: str | None, name: str
) -> None:
    from sqlalchemy import select

    from congress.domain.accounts.models import User
    from congress.domain.accounts.schemas import UserCreate
    from congress.domain.accounts.services import UserService, command_line_user
    from congress.errors import ProblemError

    async with database(settings) as db:
        email = email.strip().lower()
        if await db.scalar(select(User.id).where(User.email == email)) is not None:
            raise CommandError(f"a user with e-mail {email} already exists")
        new = UserCreate.model_validate(
            {"email": email, "role": role, "password": password, "name": name}
        )
        try:
            # The same write path as the API and the staff pages: checked, and audited.
            await UserService(db, command_line_user()).create(new.model_dump())
        except ProblemError as exc:
            raise CommandError(exc.detail) from None
        await db.commit()


def cmd_user(args: argparse.Namespace, settings: Settings) -> None:
    from pydantic import TypeAdapter, ValidationError
    from pydantic.networks import EmailStr

    try:
        TypeAdapter(EmailStr).validate_python(args.email)
    except ValidationError:
        raise CommandError(f"not an e-mail address: {args.email!r}") from None
    password = args.password
    if password is None and sys.stdin.isatty():
        password = getpass.getpass("password (empty for API-token-only access): ") or None
    if password is not None and len(password) < 10:
        raise CommandError("the password needs at least 10 characters")
    prepare_database(settings)
    run(_create_user, settings, args.email, args.role, password, args.name or "")
    print(f"created {args.role} {args.email.strip().lower()}")


async def _token_user(db: Any, email: str) -> Any:
    from sqlalchemy import select

    from congress.domain.accounts.models import User

    user = await db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise CommandError(f"no user with e-mail {email}; create one with `congress user create`")
    return user


async def _create_token(settings: Settings, email: str, name: str, days: int) -> str:
    from congress.domain.accounts.services import create_token

    async with database(settings) as db:
        user = await _token_user(db, email)
        if not user.is_active:
            raise CommandError(f"the user {email} is deactivated")
        token = await create_token(db, user, name, days)
        await db.commit()
        return token


def cmd_token(args: argparse.Namespace, settings: Settings) -> None:
    if not 1 <= args.days <= 3650:
        raise CommandError("--days must be between 1 and 3650")
    prepare_database(settings)
    token = run(_create_token, settings, args.email, args.name or "", args.days)
    print(
        f"API token, valid for {args.days} days (shown once; send as 'Authorization: Bearer <token>'):"
    )
    print(token)


async def _list_tokens(settings: Settings, email: str) -> list[str]:
    from congress.domain.accounts.services import token_state, user_tokens

    def when(moment: Any) -> str:
        return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"

    async with database(settings) as db:
        user = await _token_user(db, email)
        return [
            "\t".join(
                (
                    token.prefix + "…",
                    token.name or "-",
                    token_state(token),
                    when(token.created_at),
                    when(token.expires_at),
                )
            )
            for token in await user_tokens(db, user.id)
        ]


def cmd_token_list(args: argparse.Namespace, settings: Settings) -> None:
    prepare_database(settings)
    lines = run(_list_tokens, settings, args.email)
    print("\t".join(("token", "name", "state", "created", "expires")))
    for line in lines:
        print(line)


async def _revoke_tokens(settings: Settings, email: str, name: str | None) -> int:
    from congress.domain.accounts.services import revoke_tokens

    async with database(settings) as db:
        user = await _token_user(db, email)
        count = await revoke_tokens(db, user.id, name=name)
        await db.commit()
        return count


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> None:
    prepare_database(settings)
    count = run(_revoke_tokens, settings, args.email, args.name)
    if not count:
        named = f" named {args.name!r}" if args.name is not None else ""
        raise CommandError(f"{args.email} has no active token{named}")
    print(f"revoked {count} token{'s' if count != 1 else ''} of {args.email.strip().lower()}")


# ---- parser ------------------------------------------------------------------------------------


def build_parser() -> Parser:
    from congress.domain.accounts.enums import Role

    parser = Parser(prog="congress", description="Congress and event management.")
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=Parser, metavar="COMMAND"
    )

    serve = commands.add_parser("serve", help="migrate the database if needed, then serve")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1, CONGRESS_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8000, CONGRESS_PORT)")
    serve.add_argument(
        "--workers",
        type=int,
        choices=range(1, 65),
        metavar="N",
        help="web processes on the one port (default 1; above 1: PostgreSQL and queue jobs)",
    )
    serve.add_argument("--demo", action="store_true", help="load the demo event unless it is there")
    serve.set_defaults(handler=cmd_serve)

    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    db.set_defaults(handler=cmd_db)

    demo = commands.add_parser("demo", help="load the demo event (replacing an earlier copy)")
    demo.set_defaults(handler=cmd_demo)

    user = commands.add_parser("user", help="staff accounts")
    user_actions = user.add_subparsers(
        dest="action", required=True, parser_class=Parser, metavar="ACTION"
    )
    user_create = user_actions.add_parser("create", help="create a staff account")
    user_create.add_argument("--role", required=True, choices=[role.value for role in Role])
    user_create.add_argument("--email", required=True)
    user_create.add_argument("--password", help="at least 10 characters; asked for when omitted")
    user_create.add_argument("--name", help="display name")
    user_create.set_defaults(handler=cmd_user)

    token = commands.add_parser("token", help="API tokens")
    token_actions = token.add_subparsers(
        dest="action", required=True, parser_class=Parser, metavar="ACTION"
    )
    token_create = token_actions.add_parser("create", help="create an API token for a user")
    token_create.add_argument("--email", required=True)
    token_create.add_argument("--name", help="what the token is for")
    token_create.add_argument(
        "--days", type=int, default=90, help="how long the token is valid (default 90)"
    )
    token_create.set_defaults(handler=cmd_token)
    token_list = token_actions.add_parser("list", help="list a user's tokens")
    token_list.add_argument("--email", required=True)
    token_list.set_defaults(handler=cmd_token_list)
    token_revoke = token_actions.add_parser(
        "revoke", help="revoke a user's tokens (all, or those named --name)"
    )
    token_revoke.add_argument("--email", required=True)
    token_revoke.add_argument("--name", help="only the tokens with this name")
    token_revoke.set_defaults(handler=cmd_token_revoke)

    for extension in COMMAND_EXTENSIONS:
        extension(commands)
    return parser


# Areas add their own commands here (e.g. `congress print …`): each gets the subparsers object.
COMMAND_EXTENSIONS: list[Callable[[Any], None]] = [
    publishing_commands.add_commands,
    registration_commands.add_commands,
    add_print_command,
    backup_commands.add_commands,
    worker_commands.add_commands,
]


def _settings() -> Settings:
    from pydantic import ValidationError

    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"CONGRESS_{'_'.join(map(str, error['loc'])).upper()}: {error['msg']}"
            for error in exc.errors()
        )
        raise CommandError(f"bad setting {problems}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings()
        args.handler(args, settings)
    except CommandError as exc:
        print(f"congress: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one readable line instead of a traceback
        print(
            f"congress: error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
