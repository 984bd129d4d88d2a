# Shared by backup.sh and restore.sh: turn DATABASE_URL (the app's setting)
# into what pg_dump / sqlite3 understand. Sets DB_KIND (postgresql|sqlite),
# DB_URI (libpq URI), DB_PATH (SQLite file) and DB_DISPLAY (no password).
resolve_database_url() {
    local root="$1" url="${DATABASE_URL:-}"
    if [ -z "$url" ]; then
        url="sqlite:///$root/instance/ecoute.sqlite3"
    fi
    case "$url" in
        postgres://*|postgresql://*|postgresql+psycopg://*|postgresql+psycopg2://*)
            DB_KIND=postgresql
            DB_URI="postgresql://${url#*://}"
            DB_DISPLAY="$(printf '%s' "$DB_URI" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"
            ;;
        sqlite:///*)
            DB_KIND=sqlite
            DB_PATH="${url#sqlite:///}"
            # sqlite:////abs/path keeps its leading slash; sqlite:///rel is relative
            # to the working directory, as in SQLAlchemy.
            DB_PATH="${DB_PATH%%\?*}"
            DB_DISPLAY="$DB_PATH"
            ;;
        *)
            echo "unsupported DATABASE_URL (expected postgresql://... or sqlite:///...): ${url%%:*}://..." >&2
            return 1
            ;;
    esac
}
