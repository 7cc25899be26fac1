-- 002: canonical events. The per-document events become "mentions"; mentions
-- of one protest from several documents are grouped into one canonical event
-- ("events"), whose record merges theirs (placard.dedup) or is the one an
-- analyst reviewed. Issues, responses and the text index now describe
-- canonical events; every review action is kept in "audit".
-- Each old event becomes a canonical event with the same id here; right after
-- these statements, in the same transaction, the store groups the mentions of
-- different documents (SQLStore.after_migration), so an old store is
-- deduplicated on first open.

ALTER TABLE events RENAME TO mentions;
DROP TRIGGER events_search_delete;
DROP TABLE event_search;
DROP TABLE event_issues;
DROP INDEX events_date;
DROP INDEX events_country;
DROP INDEX events_city;
DROP INDEX events_form;
ALTER TABLE evidence RENAME COLUMN event_id TO mention_id;

CREATE TABLE events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id          TEXT NOT NULL,  -- the first source's; kept when a reviewed event loses its sources
    form            TEXT NOT NULL,
    status          TEXT NOT NULL,
    date            TEXT,
    date_precision  TEXT,
    date_lo         TEXT,
    date_hi         TEXT,
    end_date        TEXT,
    country         TEXT,
    admin1          TEXT,
    admin1_key      TEXT,
    city            TEXT,
    city_key        TEXT,
    site            TEXT,
    lat             REAL,
    lon             REAL,
    geonames_id     INTEGER,
    size_min        INTEGER,
    size_max        INTEGER,
    confidence      REAL,
    sources         INTEGER NOT NULL DEFAULT 0,
    record          TEXT NOT NULL,
    review          TEXT NOT NULL DEFAULT 'machine'
                    CHECK (review IN ('machine', 'confirmed', 'edited', 'rejected')),
    reviewed_by     TEXT,
    reviewed_at     TEXT,
    updated_at      TEXT NOT NULL
);

INSERT INTO events (id, doc_id, form, status, date, date_precision, date_lo, date_hi, end_date, country,
                    admin1, admin1_key, city, city_key, site, lat, lon, geonames_id, size_min, size_max,
                    confidence, sources, record, updated_at)
SELECT id, doc_id, form, status, date, date_precision, date_lo, date_hi, end_date, country,
       admin1, admin1_key, city, city_key, site, lat, lon, geonames_id, size_min, size_max,
       confidence, 1, record, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
FROM mentions;

-- span_hi: the last day a mention's date or end_date reaches, for finding
-- the mentions a new one may match.
ALTER TABLE mentions ADD COLUMN event_id INTEGER REFERENCES events (id);
ALTER TABLE mentions ADD COLUMN span_hi TEXT;
UPDATE mentions SET event_id = id, span_hi = date_hi;
CREATE INDEX mentions_event ON mentions (event_id);
CREATE INDEX mentions_place ON mentions (city_key, date_lo);

CREATE INDEX events_date ON events (date_lo, date_hi);
CREATE INDEX events_country ON events (country);
CREATE INDEX events_city ON events (city_key, date_lo);
CREATE INDEX events_form ON events (form);
CREATE INDEX events_review ON events (review);
CREATE INDEX events_confidence ON events (confidence);

CREATE TABLE event_issues (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    issue     TEXT NOT NULL,
    PRIMARY KEY (event_id, issue)
);
CREATE INDEX event_issues_issue ON event_issues (issue);

CREATE TABLE event_responses (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    response  TEXT NOT NULL,
    PRIMARY KEY (event_id, response)
);
CREATE INDEX event_responses_response ON event_responses (response);

-- The record's words and every source's evidence; rowid = events.id.
CREATE VIRTUAL TABLE event_search USING fts5 (
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER events_search_delete AFTER DELETE ON events BEGIN
    DELETE FROM event_search WHERE rowid = old.id;
END;

-- No foreign key to events: the entries of a merged-away event stay.
CREATE TABLE audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id      INTEGER NOT NULL,
    action        TEXT NOT NULL,
    who           TEXT NOT NULL,
    at            TEXT NOT NULL,
    before_state  TEXT,
    after_state   TEXT,
    note          TEXT
);
CREATE INDEX audit_event ON audit (event_id, id);
