-- The language each person reads the interface in (fi, sv, en); empty: the browser's.
ALTER TABLE users ADD COLUMN language TEXT;
