#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data directory (mounted into
# /docker-entrypoint-initdb.d by docker-compose.yml). Creates one role and one database per
# service, each database owned by its role, and takes CONNECT away from PUBLIC, so a service's
# role can reach its own database only (the superuser is not affected). Tables are created by the
# services themselves: each applies its migrations at start-up.
#
# Passwords come from the environment (<NAME>_DB_PASSWORD, set by docker-compose.yml). Unset, a
# DEVELOPMENT-ONLY default is used (dev-only-<name>-db-password, the same default
# docker-compose.yml puts in the services' DATABASE_URL); never rely on it outside a developer's
# machine. Use URL-safe characters: the passwords also go into the services' DATABASE_URL.
set -euo pipefail

# create_database <database and role name> <variable holding its password>
create_database() {
  local name="$1" password_var="$2"
  local password="${!password_var:-}"
  if [ -z "$password" ]; then
    password="dev-only-${name#cowork_}-db-password"
    echo "init.sh: $password_var is not set; $name gets its development-only default password" >&2
  fi
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v name="$name" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'name', :'password')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'name', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name') \gexec
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', :'name') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'name', :'name') \gexec
SQL
  echo "init.sh: database $name owned by role $name"
}

create_database cowork_auth AUTH_DB_PASSWORD
create_database cowork_user USER_DB_PASSWORD
create_database cowork_workspace WORKSPACE_DB_PASSWORD
create_database cowork_booking BOOKING_DB_PASSWORD
create_database cowork_payment PAYMENT_DB_PASSWORD
create_database cowork_notification NOTIFICATION_DB_PASSWORD
create_database cowork_reporting REPORTING_DB_PASSWORD
create_database cowork_admin ADMIN_DB_PASSWORD

# The default database is for the superuser only.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -c "REVOKE CONNECT, TEMPORARY ON DATABASE \"${POSTGRES_DB:-postgres}\" FROM PUBLIC"
