// Package consultation is the domain of a Tribune consultation: a process
// of several step meetings (rooms), the questions carried from one to the
// next, the proposals drawn from them and the commitments that take the
// proposals up, with their progress.
//
// A consultation has its own log, exactly like a room: numbered from 1,
// the fold of its events, decided by a pure reducer. Nothing here does
// I/O, reads a clock, starts a goroutine or draws a random number: time
// and the consultation's id come in with the command.
//
// # Commands and events
//
// [Consultation.Decide] checks a [Command] from an [Actor] and returns the
// [Event] it produces, the command normalised (text trimmed, ids assigned,
// fields the op does not read dropped); [Consultation.Apply] folds an
// event, checking it as Decide would; [Consultation.Handle] does both;
// [Replay] folds a log. A refused command changes nothing and returns a
// documented error: room's (room.ErrForbidden, ErrInvalid, ErrState,
// ErrAlready, the text errors...) where they fit, and this package's
// ErrNoStep, ErrNoProposal, ErrNoCommitment. Decide checks, in order: the
// op exists, the role may issue it (System creates the consultation and
// says how its step meetings stand; the Organiser does everything else;
// Public nothing), the consultation exists (OpCreate first and only
// first: room.ErrState), then the op's own rules.
//
// Text follows room's rules (room.CleanText): valid UTF-8, no control,
// separator or bidirectional characters, trimmed, limits in characters:
// titles 200, descriptions, proposal text and problems 4000, notes and
// reasons 1000, milestones 500, links 500 (http or https only), a carried
// question 2000. Dates are calendar days, YYYY-MM-DD.
//
// # Links between logs
//
// A question carried from step meeting A to step meeting B is an event in
// all three logs: room.OpImport in B (which gives its id there),
// room.OpCarry in A, and [OpCarry] here, naming both. The hub asks this
// log first ([Consultation.Decide], with the id B will give, one past its
// last question), then imports into B, records in A, and handles OpCarry
// here with the id B gave; after a crash in between, B's
// question whose From names A's is the one imported (room.QuestionView),
// and A's CarriedTo says whether A recorded it. Each log verifies
// alone; [Consultation.CrossCheck], which `tribune verify` runs, compares
// the consultation with its step meetings' final states. A proposal's
// sources name questions, polls, agenda steps and ideas of step meetings by join
// code and id: the consultation checks that the meeting is one of its
// steps, CrossCheck that the thing exists there and was public.
//
// # Ids
//
// The ids the public sees are assigned here and never change nor get
// reused, so that a published link keeps working: proposals P-1, P-2...,
// commitments C-1, C-2..., and a thread ... for each question
// carried on, the same along its way from step to step. A question itself
// is named by its meeting's join code and its id there ([Ref]), both
// stable. Nothing is ever deleted: a proposal is withdrawn or merged, a
// commitment withdrawn.
//
// # Views
//
// [Consultation.View] is the public consultation page (Public) or the
// organiser's (Organiser). The public view holds no unpublished text: no
// draft proposal, nor one withdrawn while a draft; and no one's id (there
// are no participants here; the organiser's session id is in the log's
// actors only). What is public is public as soon as it is made: step
// meetings, carried questions (their text was public where they come
// from), commitments with their milestones and history, and the reason a
// published proposal was withdrawn, as refusals are public in a meeting.
// [Consultation.Trace] says what became of one question.
//
// # Invariants
//
// Each is guarded by the tests named with it.
//
//   - Replaying the log gives exactly the live state: same
//     [Consultation.Digest], at every prefix. TestReplayDigest,
//     FuzzConsultation.
//   - A refused command changes nothing; a forged event is refused by
//     Apply. TestOps, TestApplyRefusesForgedEvents, FuzzConsultation.
//   - The public view holds only published proposals, as published, and no
//     actor id. TestPublicView, FuzzConsultation.
//   - Each link between logs is in both, the same: CrossCheck.
//     TestCrossCheck.
//   - A public id, once seen, stays in every later public view, naming
//     the same thing; ids are assigned in order and never reused.
//     FuzzConsultation.
package consultation
