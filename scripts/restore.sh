#!/usr/bin/env bash
# Restore an Écoute backup made by scripts/backup.sh into the database named by
# DATABASE_URL.
#
#   scripts/restore.sh BACKUP_FILE            # target must be empty
#   scripts/restore.sh --replace BACKUP_FILE  # overwrite existing data
#
# Stop the app (systemctl stop ecoute) before --replace. Without --replace the
# target must be empty (a fresh `createdb`, or a SQLite file that does not
# exist yet) and nothing is written if it is not. PostgreSQL: pg_restore in a
# single transaction (all or nothing). SQLite: the sqlite3 shell's ".restore",
# which takes the database's locks, after an integrity check of the backup.
# Afterwards run `flask --app wsgi db upgrade heads` if the code is newer than
# the backup.
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project_root="$(dirname "$here")"
# shellcheck source=scripts/_database_url.sh
. "$here/_database_url.sh"

die() { echo "restore: $*" >&2; exit 1; }

replace=0
if [ "${1:-}" = "--replace" ]; then replace=1; shift; fi
[ "$#" -eq 1 ] || die "usage: scripts/restore.sh [--replace] BACKUP_FILE"
backup="$1"
[ -f "$backup" ] || die "backup file $backup does not exist"
resolve_database_url "$project_root" || exit 1

if [ "$DB_KIND" = postgresql ]; then
    command -v pg_restore >/dev/null || die "pg_restore not found (install postgresql-client)"
    pg_restore --list "$backup" >/dev/null 2>&1 \
        || die "$backup is not a pg_dump custom-format backup"
    tables="$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$DB_URI" \
        --command="SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")" \
        || die "cannot connect to $DB_DISPLAY"
    if [ "$tables" != 0 ]; then
        [ "$replace" = 1 ] || die "$DB_DISPLAY already holds $tables tables; restore into an empty database or pass --replace (app stopped)"
        pg_restore --clean --if-exists --no-owner --no-acl --exit-on-error --single-transaction \
            --dbname="$DB_URI" "$backup" || die "pg_restore failed; the database is unchanged"
    else
        pg_restore --no-owner --no-acl --exit-on-error --single-transaction \
            --dbname="$DB_URI" "$backup" || die "pg_restore failed; the database is unchanged"
    fi
else
    command -v sqlite3 >/dev/null || die "sqlite3 not found (install the sqlite3 package)"
    check="$(sqlite3 -readonly "$backup" "PRAGMA integrity_check;" 2>&1)" \
        || die "$backup is not a SQLite database: $check"
    [ "$check" = ok ] || die "$backup failed its integrity check: $check"
    if [ -e "$DB_PATH" ] && [ -s "$DB_PATH" ]; then
        [ "$replace" = 1 ] || die "$DB_PATH already exists; restore to a new path or pass --replace (app stopped)"
    fi
    case "$backup" in *\"*) die "backup path must not contain a double quote";; esac
    mkdir -p "$(dirname "$DB_PATH")"
    sqlite3 "$DB_PATH" ".timeout 15000" ".restore \"$backup\"" || die "sqlite3 .restore failed"
    sqlite3 "$DB_PATH" "PRAGMA journal_mode=WAL;" >/dev/null
fi
echo "restored $backup into $DB_DISPLAY"
