#!/bin/sh
# The streaming replica: on first start, clone the primary with pg_basebackup (-R writes primary_conninfo and
# standby.signal), then run postgres as a hot standby. Later starts reuse the data directory.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres-primary -U "$POSTGRES_USER" -q; do sleep 1; done
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA"
  export PGPASSWORD="$REPLICATION_PASSWORD"
  gosu postgres pg_basebackup -h postgres-primary -U replicator -D "$PGDATA" -R -X stream -S replica_1 --checkpoint=fast
  chmod 700 "$PGDATA"
fi
exec gosu postgres postgres -c hot_standby=on -c max_standby_streaming_delay=5s -c hot_standby_feedback=on
