#!/bin/sh
# Runs once, when the primary's data directory is created (docker-entrypoint-initdb.d): a replication role for the
# streaming replica, allowed from the compose network only, and a slot so the primary keeps WAL the replica needs.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
create role replicator with replication login password '${REPLICATION_PASSWORD}';
select pg_create_physical_replication_slot('replica_1');
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
