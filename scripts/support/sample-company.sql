-- The sample company's (Ostria's) own customer database: what content/systems.json's "customer-database" statements
-- read, erase and restrict. It is the sample company's, not the portal's: the portal never migrates it.
CREATE TABLE IF NOT EXISTS customers (
  id INTEGER PRIMARY KEY,
  customer_ref TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  email TEXT,
  phone TEXT,
  street TEXT,
  postal_code TEXT,
  city TEXT,
  country TEXT NOT NULL,
  created_on TEXT NOT NULL,
  restricted INTEGER NOT NULL DEFAULT 0,
  erased_on TEXT
);
CREATE INDEX IF NOT EXISTS customers_email ON customers (email);
CREATE INDEX IF NOT EXISTS customers_phone ON customers (phone);

CREATE TABLE IF NOT EXISTS invoices (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  number TEXT NOT NULL UNIQUE,
  issued_on TEXT NOT NULL,
  amount_eur REAL NOT NULL,
  status TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS mailboxes (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  address TEXT NOT NULL UNIQUE,
  quota_mb INTEGER NOT NULL,
  created_on TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS support_tickets (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  opened_on TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL
);
