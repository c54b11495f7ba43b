-- A personal row's subject is its event's, so erasure finds a person's rows through events_subject_ts by
-- seq; the index on personal_data.subject only cost a random page written per event.
DROP INDEX "personal_subject";
