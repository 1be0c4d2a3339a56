package room

import "slices"

// NextMeeting returns the commands that create the next step meeting of a
// consultation from prev, the moderator's View of the meeting before it
// (its final state): create, an OpCreate for System with code and title
// (prev's title when empty) and prev's description, agenda and settings;
// and polls, one OpPollCreate per poll of prev, for a moderator, in order.
// Each poll is created a draft, as every new poll is, with the same kind,
// question, options, limits, visibility and right answers.
//
// Nothing of prev's participants or of what happened in it is copied: no
// question, ballot, result, name, announcement, request to speak or
// outcome. The commands are checked when they are issued, as any others.
func NextMeeting(prev View, title, code string) (create Command, polls []Command) {
	if title == "" {
		title = prev.Meeting.Title
	}
	settings := prev.Meeting.Settings
	create = Command{
		Op: OpCreate, Title: title, Text: prev.Meeting.Description, Code: code,
		Steps: slices.Clone(prev.Meeting.Agenda), Settings: &settings,
	}
	if len(create.Steps) == 0 {
		create.Steps = nil
	}
	for _, p := range prev.Polls {
		polls = append(polls, Command{
			Op: OpPollCreate, Kind: p.Kind, Text: p.Title, Options: slices.Clone(p.Options),
			Max: p.Max, Scale: p.Scale, Visibility: p.Visibility, Correct: slices.Clone(p.Correct),
		})
	}
	return create, polls
}
