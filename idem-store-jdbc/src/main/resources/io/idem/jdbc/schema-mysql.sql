-- Idem records, MySQL 8 / MariaDB 10.6+. ${table} and ${index} are replaced by the configured names.
-- Key parts are VARBINARY (UTF-8 bytes): comparisons are exact, with no case folding and no
-- trailing-space padding, which every character collation of MySQL would apply.
-- token is the lease fence of an in-progress record and NULL once completed;
-- result is NULL while in progress. expires_at is UTC from the database's clock (UTC_TIMESTAMP).
CREATE TABLE IF NOT EXISTS ${table} (
  namespace   VARBINARY(400)  NOT NULL,
  tenant      VARBINARY(1020) NOT NULL,
  idem_key    VARBINARY(255)  NOT NULL,
  fingerprint BINARY(32)      NOT NULL,
  token       BINARY(16)      NULL,
  result      LONGBLOB        NULL,
  expires_at  DATETIME(6)     NOT NULL,
  PRIMARY KEY (namespace, tenant, idem_key),
  KEY ${index} (expires_at)
) ENGINE=InnoDB;
