-- 001: documents, events, their evidence and issues, and a text index.
-- Dates are ISO strings; date_lo/date_hi hold the first and last day the event
-- date can denote ("2019-06" -> 2019-06-01 .. 2019-06-30), NULL when the year
-- is unknown, so range filters respect precision with plain comparisons.

CREATE TABLE documents (
    doc_id        TEXT PRIMARY KEY NOT NULL,
    url           TEXT,
    lang          TEXT,
    published     TEXT,
    title         TEXT,
    source        TEXT,
    content_hash  TEXT,
    events_hash   TEXT,
    text          TEXT,
    error         TEXT,
    ingested_at   TEXT NOT NULL
);
CREATE INDEX documents_error ON documents (error) WHERE error IS NOT NULL;

-- AUTOINCREMENT: an id handed out (and maybe exported) is never reused for
-- another event after a document is re-ingested.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id          TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    ordinal         INTEGER NOT NULL,
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
    record          TEXT NOT NULL,
    UNIQUE (doc_id, ordinal)
);
CREATE INDEX events_date ON events (date_lo, date_hi);
CREATE INDEX events_country ON events (country);
CREATE INDEX events_city ON events (city_key);
CREATE INDEX events_form ON events (form);

CREATE TABLE evidence (
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (event_id, ordinal)
);

CREATE TABLE event_issues (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    issue     TEXT NOT NULL,
    PRIMARY KEY (event_id, issue)
);
CREATE INDEX event_issues_issue ON event_issues (issue);

-- Words of the evidence, claims, participants, organizers, targets and site;
-- rowid = events.id. Prefix queries cover Russian and Kazakh inflection.
CREATE VIRTUAL TABLE event_search USING fts5 (
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER events_search_delete AFTER DELETE ON events BEGIN
    DELETE FROM event_search WHERE rowid = old.id;
END;
