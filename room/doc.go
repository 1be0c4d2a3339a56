// Package room is the domain of a Tribune meeting: the commands people send,
// the events they produce, the state that is the fold of those events, and
// what each role may see of it.
//
// A room is a pure state machine. Nothing here does I/O, reads a clock,
// starts a goroutine or draws a random number: time, ids and join codes come
// in with the command, so that every replica that applies the same events
// holds the same state. A deadline is kept, never acted on: an
// announcement's Until and a speaker's time (FloorView.CalledAt + Seconds)
// are for the pages to watch; no event ever comes from time passing.
//
// # Commands and events
//
// [Room.Decide] checks a [Command] from an [Actor] against the current state
// and returns the [Event] it produces: the command normalised (text trimmed,
// question and poll ids assigned 1, 2, 3..., defaults filled in, fields the
// op does not read dropped), numbered Seq()+1. [Room.Apply] folds an event;
// [Room.Handle] does both. A command that cannot take effect returns a
// documented error (errors.go) and changes nothing. Decide checks, in this
// order:
//
//   - the op exists (ErrUnknownOp);
//   - the op is not OpReact, which is never an event: Decide refuses it
//     with ErrInvalid for every role (the hub checks a tap with
//     [Room.CheckReact] and logs the taps of a tick as one OpReactions);
//   - the role may issue it (ErrForbidden): System creates the room, moves
//     participants in and out, logs reactions and carries questions
//     between the step meetings of a consultation (carry.go); participants rename
//     themselves, ask, edit, withdraw, upvote, unvote and vote; moderators do
//     everything else; the screen nothing;
//   - OpCreate is the first event and only the first (ErrState);
//   - the meeting has not ended (ErrEnded), except for written answers
//     (OpAnswer), carrying a question to a later meeting (OpCarry),
//     the recording's address (OpRecording, recording.go) and
//     presence (OpLeave, OpPresenceReset);
//   - a participant has joined at least once (ErrNotJoined);
//   - then the op's own rules: text (below), ids (ErrNoQuestion, ErrNoPoll),
//     state (ErrState, ErrPollClosed, ErrQAClosed, ...), and ErrAlready for a
//     command that would change nothing (upvoting twice, the same ballot, pinning
//     a pinned question).
//
// Apply checks an event exactly as Decide checks a command, so an event that
// Decide could not have produced on this state is refused (ErrSequence, or an
// error wrapping ErrInvalid) and changes nothing. [Replay] folds a whole log.
//
// # Text
//
// Everything people type is checked the same way (text.go): valid UTF-8
// (ErrInvalidUTF8); no C0 or C1 control character, except '\n' in the
// fields that may hold lines (question, description, answer, announcement);
// no line or paragraph separator (U+2028, U+2029); no bidirectional control
// (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and no U+FEFF
// (ErrControlChar); trimmed of surrounding white space; ErrEmpty
// where text is required; ErrTooLong past the limit, in characters: question
// Settings.MaxLength (DefaultMaxLength when 0; 20 to 2000), name 40, title
// 120, description 2000, agenda step 120 (at most 50 steps), poll title 200,
// option 100 (2 to 12 options), open answer 80, announcement 500, rejection
// note 280, answer 4000, stream link 500 (http or https only).
//
// # Views
//
// [Room.View] is what a role sees, built once per role and shared by every
// connection of that role; [Room.Mine] is what only one participant sees.
// The moderator sees everything, with the moderation ledger (each entry
// naming the seat that acted), the team and the backstage notes. Participants
// and the screen see live and answered questions that are not archived,
// without author, reason or note, with where a carried question came from
// or went (QuestionView.From, CarriedTo); polls that are not drafts, with results
// only when the poll's [Visibility] allows; attendance unless
// Settings.HideCount; the public count of refused questions by reason. Mine
// adds the participant's own questions in every status (with the reason
// when refused), their upvotes, their ballots, and the results of
// AfterVoting polls they voted in while those are not yet public.
//
// The ideas board (idea.go) follows the same rules: participants and the
// screen see every board and the live ideas; the moderator every idea;
// Mine adds the participant's own ideas in every status and their votes.
//
// [Changes] gathers what events touched between two ticks ([Room.Track]);
// [Room.Patch] turns it into the [Patch] of one role, and
// [View.ApplyPatch] applies it.
//
// # Invariants
//
// Each is guarded by the tests named with it.
//
//   - Replaying the log from the start gives exactly the live state: same
//     [Room.Digest]. TestReplayDigest, TestEventJSONRoundTrip, FuzzRoom.
//   - A refused command changes nothing: same digest, same Seq. Every
//     error case of TestMeetingOps, TestParticipantOps, TestQuestionOps,
//     TestPollOps, TestReactions; FuzzRoom.
//   - A forged event is refused by Apply and changes nothing.
//     TestApplyRefusesForgedEvents.
//   - Every tally equals the distinct valid ballots behind it (a ranking's
//     Borda scores and first places, a points poll's totals and voters
//     included: poll_rank.go); every question's and idea's votes equal its
//     set of voters, each counted once, merges included. FuzzRoom (against a
//     model built from the accepted events), TestMergeCarriesVotes,
//     TestPollResults, TestRankingAndPointsOps.
//   - At most one question is highlighted, and only a live or answered
//     one that is not archived. FuzzRoom, TestQuestionOps.
//   - A participant's View and Mine hold nothing that participant may not
//     see: no one else's pending, rejected, withdrawn or merged question, no
//     author, reason or note but on their own questions, no one's ballots
//     but theirs, no results hidden from them, no draft poll.
//     The same for ideas: no one else's waiting, refused or merged idea.
//     TestVisibility, TestIdeaVisibility, FuzzRoom.
//   - For each role, applying Patch(role, changes since view V) to V gives
//     View(role) now. TestPatchInvariant, TestTeamPatch, FuzzRoom.
//   - A revoked seat, or one the room never assigned, acts no more; a seat
//     acts only within its Scope. TestTeamOps, FuzzRoom.
//   - A poll counts only the ballots its Counting allows: checked in for
//     CountRoom, a card issued for CountCards; a card is one participant
//     whatever number of sessions it opens; no view holds a card's hash.
//     TestVotersOps, TestCardVotesOnce, TestApplyRefusesUncountedBallot,
//     FuzzRoom (countedVoters).
//   - Backstage notes, the team and key hashes are in no participant's or
//     screen's view, and notes and hashes in no ledger; no view holds a key
//     hash. TestTeamVisibility, FuzzRoom (backstageLeak).
package room
