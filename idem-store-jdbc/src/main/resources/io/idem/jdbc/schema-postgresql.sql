-- Idem records, PostgreSQL 13+. ${table} and ${index} are replaced by the configured names.
-- The three key parts are separate columns so that purge of a namespace is a primary-key range.
-- COLLATE "C": keys compare byte for byte, whatever the database's default collation.
-- token is the lease fence of an in-progress record and NULL once completed;
-- result is NULL while in progress. expires_at is set from the database's clock only.
CREATE TABLE IF NOT EXISTS ${table} (
  namespace   text COLLATE "C" NOT NULL,
  tenant      text COLLATE "C" NOT NULL,
  idem_key    text COLLATE "C" NOT NULL,
  fingerprint bytea            NOT NULL,
  token       bytea,
  result      bytea,
  expires_at  timestamptz      NOT NULL,
  PRIMARY KEY (namespace, tenant, idem_key)
);
CREATE INDEX IF NOT EXISTS ${index} ON ${table} USING brin (expires_at);
