#!/usr/bin/env bash
# Back up the Écoute database named by DATABASE_URL (PostgreSQL or SQLite).
#
#   scripts/backup.sh                 # into $BACKUP_DIR (default ./backups), timestamped
#   scripts/backup.sh FILE            # into FILE exactly
#
# PostgreSQL: pg_dump in custom format (compressed, restorable table by table,
# consistent snapshot while the app keeps running). SQLite: the online backup
# API through the sqlite3 shell (".backup"), consistent even with gunicorn
# workers writing in WAL mode — never copy the .sqlite3 file with cp while the
# app runs. Each backup is written to a temporary name, checked (pg_restore
# --list / PRAGMA integrity_check) and only then renamed into place, so a
# failed backup never looks like a good one. When writing into BACKUP_DIR,
# backups older than BACKUP_KEEP_DAYS (default 14) are deleted afterwards.
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project_root="$(dirname "$here")"
# shellcheck source=scripts/_database_url.sh
. "$here/_database_url.sh"

die() { echo "backup: $*" >&2; exit 1; }

[ "$#" -le 1 ] || die "usage: scripts/backup.sh [OUTPUT_FILE]"
resolve_database_url "$project_root" || exit 1

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
if [ "$#" -eq 1 ]; then
    output="$1"
    prune=0
else
    backup_dir="${BACKUP_DIR:-$project_root/backups}"
    mkdir -p "$backup_dir"
    if [ "$DB_KIND" = postgresql ]; then output="$backup_dir/ecoute-$stamp.pgdump"
    else output="$backup_dir/ecoute-$stamp.sqlite3"; fi
    prune=1
fi
[ -e "$output" ] && die "$output already exists; choose another file name"
output_dir="$(dirname "$output")"
[ -d "$output_dir" ] || die "directory $output_dir does not exist"
partial="$output.partial-$$"
trap 'rm -f "$partial"' EXIT

if [ "$DB_KIND" = postgresql ]; then
    command -v pg_dump >/dev/null || die "pg_dump not found (install postgresql-client)"
    pg_dump --format=custom --no-owner --no-acl --file="$partial" "$DB_URI" \
        || die "pg_dump failed for $DB_DISPLAY"
    pg_restore --list "$partial" >/dev/null || die "the dump just written is unreadable"
else
    command -v sqlite3 >/dev/null || die "sqlite3 not found (install the sqlite3 package)"
    [ -f "$DB_PATH" ] || die "SQLite database $DB_PATH does not exist"
    case "$partial" in *\"*) die "output path must not contain a double quote";; esac
    sqlite3 "$DB_PATH" ".timeout 15000" ".backup \"$partial\"" \
        || die "sqlite3 .backup failed for $DB_PATH"
    check="$(sqlite3 "$partial" "PRAGMA integrity_check;")"
    [ "$check" = ok ] || die "integrity check of the new backup failed: $check"
    # A backup file is self-contained: no WAL next to it.
    sqlite3 "$partial" "PRAGMA journal_mode=DELETE;" >/dev/null
fi

mv "$partial" "$output"
trap - EXIT
echo "$output"

if [ "$prune" = 1 ]; then
    keep="${BACKUP_KEEP_DAYS:-14}"
    case "$keep" in ''|*[!0-9]*) die "BACKUP_KEEP_DAYS must be a whole number of days, got '$keep'";; esac
    find "$backup_dir" -maxdepth 1 -type f \( -name 'ecoute-*.pgdump' -o -name 'ecoute-*.sqlite3' \) \
        -mtime +"$keep" -delete
fi
