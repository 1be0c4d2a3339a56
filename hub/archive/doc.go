// Package archive turns a room's log into the public record of a meeting:
// a report (Build), a JSON export of the whole log with its hash chain
// (WriteLog), CSV tables with Table Schemas gathered in a Frictionless Data
// Package (Tables, WriteZip), and the check anyone can run on an export
// (Verify).
//
// Everything here is a pure function of the stored rows of one room
// ([]store.Stored, as store.Load returns them): the log is the truth, and
// whoever holds it recomputes the same report, tables and digest.
//
// Two audiences, two variants. The full variant is for the moderators: it
// carries the pseudonymous participant ids, the names participants gave,
// every question's text and every open answer. The public variant (the
// report, and the open-data package) carries no participant id and no name,
// in any file or field, and no text that a moderator did not let through:
// questions that were pending, rejected or withdrawn are counted, never
// quoted; a request to speak taken back or taken off the line is listed
// without its topic; open answers appear only as word counts; results of
// polls whose results were hidden are left out. TestOpenData and
// TestPublicRecordNamesNobody guard it.
//
// A consultation (room/consultation) has its record here too, from its
// stored rows ([]store.ConsultationRow): the same log export with a kind,
// "consultation" (WriteConsultationLog; ExportKind tells the two apart),
// VerifyConsultation, which checks its chain, replays it and, given its
// step meetings' exports, cross-checks the links between the logs
// (consultation.CrossCheck), and its open data (ConsultationTables,
// ConsultationPackage), built from the public view alone: no organiser's
// id, no proposal that was never published. TestConsultationVerifyTamper,
// TestConsultationCrossCheck and TestConsultationRecordNamesNobody guard
// them.
package archive
