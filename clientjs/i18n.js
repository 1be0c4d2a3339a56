// French and English for every page. The language comes from what the
// person chose before (localStorage), else from the browser's languages,
// else English; <html lang> follows it.
//
// t(key, params) looks a string up; {name} in it is replaced by params.name;
// a string given as {one, other} is chosen by params.n with the language's
// plural rules. Static text in the HTML carries data-i18n="key" (text) or
// data-i18n-label, data-i18n-placeholder, data-i18n-title (attributes);
// initI18n() fills it, and again on every language change.

/** @typedef {'fr'|'en'} Lang */

const storageKey = 'tribune:lang';

/** @type {Record<Lang, Record<string, string|{one: string, other: string}>>} */
export const dictionaries = {
  en: {
    'skip': 'Skip to content',
    'lang.switchTo': 'Lire en français',
    'close': 'Close',
    'cancel': 'Cancel',
    'sending': 'Sending…',
    'queued': 'Not connected: this will be sent when the connection returns.',
    'anonymous': 'Anonymous',
    'code.line': 'Meeting code {code}',
    'privacy': 'You take part under a pseudonymous identifier kept in this browser. No account, no IP address stored.',

    'conn.connecting': 'Connecting…',
    'conn.live': 'Connected',
    'conn.reconnecting': 'Connection lost, reconnecting…',
    'conn.offline': 'Offline: what you do will be sent when the connection returns',
    'conn.degraded': 'Connected, but changes cannot be saved right now: they will be sent as soon as possible',
    'fatal.no_room': 'No meeting has this code.',
    'fatal.bad_key': 'This moderator link is not valid.',
    'fatal.no_key': 'This link has no moderator key. Open the moderator link you received when the meeting was created.',
    'fatal.other': 'The server refused the connection.',
    'fatal.bad_version': 'Tribune was updated on the server. Reload this page to carry on.',

    'status.scheduled': 'The meeting has not started yet.',
    'status.ended': 'The meeting has ended.',
    'status.badge.scheduled': 'Not started',
    'status.badge.live': 'Live',
    'status.badge.ended': 'Ended',

    'pause.pause': 'Pause live updates',
    'pause.resume': 'Resume live updates',
    'pause.waiting': { one: '{n} update waiting', other: '{n} updates waiting' },

    'sort.label': 'Sort',
    'sort.popular': 'Popular',
    'sort.recent': 'Recent',
    'sort.oldest': 'Oldest',
    'sort.keep': 'Keep the order still',

    'votes': { one: '{n} vote', other: '{n} votes' },
    'vote.upvote': 'Upvote',
    'vote.upvoted': 'Upvoted',
    'vote.added': 'Vote added',
    'vote.removed': 'Vote removed',

    'channel.room': 'In the room',
    'channel.remote': 'Remote',
    'counts.line': '{room} in the room · {remote} remote',
    'counts.mod': 'In the room {room} · Remote {remote} · Peak {peak} · Joined {joined}',

    'join.title': 'Join the meeting',
    'join.how': 'How are you following?',
    'join.room': 'I am in the room',
    'join.remote': 'I am following remotely',
    'join.name': 'Your name (optional)',
    'join.nameHint': 'Leave empty to take part anonymously.',
    'join.submit': 'Join',

    'now.title': 'Now',
    'step.current': 'Step {n} of {total}: {title}',
    'step.none': 'No agenda step in progress.',
    'agenda.title': 'Agenda',
    'stream.watch': 'Watch the live stream',
    'announcements': 'Announcements',
    'announce.new': 'Announcement: {text}',

    'ask.title': 'Ask a question',
    'ask.label': 'Your question',
    'ask.submit': 'Send question',
    'ask.count': '{n} / {max} characters.',
    'ask.premoderated': 'Questions are read by a moderator before they appear.',
    'ask.closed': 'Questions are closed.',
    'ask.sent': 'Your question is published.',
    'ask.sentModerated': 'Your question was sent. It will appear once a moderator approves it.',

    'mine.title': 'Your questions awaiting moderation',
    'mine.pending': 'Waiting for a moderator',
    'mine.rejected': 'Not published: {reason}',
    'mine.withdraw': 'Withdraw',
    'mine.withdrawn': 'Question withdrawn',
    'mine.edit': 'Edit',
    'mine.editLabel': 'Your question, corrected',
    'mine.save': 'Save',
    'mine.edited': 'Your question was corrected.',
    'mine.editTooLate': 'A moderator handled your question before your correction was sent: it was not changed.',

    'questions.title': 'Questions',
    'questions.empty': 'No questions yet.',
    'answered.title': 'Answered',
    'refused.line': { one: '{n} question was not published by the moderators.', other: '{n} questions were not published by the moderators.' },
    'q.pinned': 'Pinned',
    'q.yours': 'Your question',
    'q.highlighted': 'On screen',
    'q.answer': 'Answer: {text}',
    'qstatus.answered': 'Answered',
    'qstatus.rejected': 'Refused',
    'qstatus.merged': 'Merged',
    'qstatus.withdrawn': 'Withdrawn',
    'qstatus.archived': 'Archived',
    'qstatus.live': 'Published',
    'qstatus.pending': 'Waiting',

    'reason.duplicate': 'duplicate',
    'reason.off-topic': 'off topic',
    'reason.abusive': 'abusive',
    'reason.already-answered': 'already answered',
    'reason.other': 'other reason',

    'polls.title': 'Polls',
    'poll.status.draft': 'Draft',
    'poll.status.open': 'Open',
    'poll.status.closed': 'Closed',
    'poll.ballots': { one: '{n} vote', other: '{n} votes' },
    'poll.youVoted': 'You voted',
    'poll.yourVote': 'Your vote: {vote}',
    'poll.vote': 'Vote',
    'poll.change': 'Change my vote',
    'poll.pick': 'Choose an answer first.',
    'poll.recorded': 'Your vote is recorded.',
    'poll.max': { one: 'At most {n} choice.', other: 'At most {n} choices.' },
    'poll.scale': 'From 1 (lowest) to {scale} (highest).',
    'poll.answer': 'Your answer, in a few words',
    'poll.results': 'Results',
    'poll.share': '{n} ({p}%)',
    'poll.average': 'Average {avg} out of {scale}',
    'poll.hidden.live': 'Results appear as votes arrive.',
    'poll.hidden.voted': 'Results are shown once you have voted.',
    'poll.hidden.closed': 'Results are shown when the poll closes.',
    'poll.hidden.hidden': 'Results are not shown.',
    'poll.screenHidden.live': 'Results appear as votes arrive.',
    'poll.screenHidden.voted': 'Results will be shown when the poll closes.',
    'poll.screenHidden.closed': 'Results will be shown when the poll closes.',
    'poll.screenHidden.hidden': 'Results are not shown.',
    'poll.kind': 'Kind',
    'poll.kind.single': 'One choice',
    'poll.kind.multiple': 'Several choices',
    'poll.kind.rating': 'Rating',
    'poll.kind.open': 'Short answer (word cloud)',
    'poll.vis.live': 'Live, as votes arrive',
    'poll.vis.voted': 'To each voter, to all once closed',
    'poll.vis.closed': 'Once the poll is closed',
    'poll.vis.hidden': 'Never (moderators only)',
    'poll.visibility': 'Results shown',
    'poll.new': 'New poll',
    'poll.question': 'Question asked',
    'poll.options': 'Options, one per line',
    'poll.maxLabel': 'Most choices per person',
    'poll.scaleLabel': 'Scale (from 1 to)',
    'poll.create': 'Create poll',
    'poll.needTitle': 'Write the question asked.',
    'poll.needOptions': 'Give at least two options.',
    'poll.open': 'Open poll',
    'poll.reopen': 'Reopen poll',
    'poll.close': 'Close poll',
    'poll.showScreen': 'Show on screen',
    'poll.hideScreen': 'Remove from screen',
    'poll.lock': 'Lock ballots',
    'poll.unlock': 'Unlock ballots',
    'poll.locked': 'Ballots locked',
    'poll.onScreen': 'On screen',
    'poll.delete': 'Delete poll',
    'poll.edit': 'Edit poll',
    'poll.saveEdit': 'Save the poll',
    'poll.editTooLate': 'Someone voted before the poll was saved: it was not changed.',

    'react.title': 'React',
    'react.sent': 'Sent: {reaction}',
    'reaction.applause': 'Applause',
    'reaction.agree': 'Agree',
    'reaction.disagree': 'Disagree',
    'reaction.louder': 'Louder',
    'reaction.slower': 'Slower',
    'reaction.break': 'Break?',

    'me.title': 'You',
    'me.line': 'Shown as {name} · {channel}',
    'me.name': 'Name shown with your questions',
    'me.save': 'Save name',
    'me.saved': 'Name saved',
    'me.rejoin': 'Change how I follow',

    'mod.pageTitle': 'Moderation',
    'mod.start': 'Start the meeting',
    'mod.end': 'End the meeting',
    'mod.endConfirm': 'End the meeting? Participants will no longer be able to ask or vote.',
    'mod.queue': 'Waiting for moderation',
    'mod.queueEmpty': 'No question is waiting.',
    'mod.approveAll': 'Approve all',
    'mod.live': 'Published questions',
    'mod.done': 'Answered, refused and archived',
    'mod.doneEmpty': 'Nothing here yet.',
    'mod.reactions': 'Reactions:',
    'mod.approve': 'Approve',
    'mod.reject': 'Reject',
    'mod.merge': 'Merge',
    'mod.answer': 'Mark answered',
    'mod.editAnswer': 'Edit the answer',
    'mod.highlight': 'Highlight',
    'mod.unhighlight': 'Stop highlighting',
    'mod.pin': 'Pin',
    'mod.unpin': 'Unpin',
    'mod.archive': 'Archive',
    'mod.restore': 'Restore',
    'mod.reopen': 'Reopen',
    'mod.reason': 'Reason',
    'mod.noteLabel': 'Note for the author (optional)',
    'mod.confirmReject': 'Reject the question',
    'mod.answerLabel': 'Written answer (optional)',
    'mod.markAnswered': 'Mark answered',
    'mod.mergeInto': 'Merge into',
    'mod.confirmMerge': 'Merge the questions',
    'mod.reasonIs': 'Reason: {reason}',
    'mod.mergedInto': 'Merged into #{id}',
    'mod.mergedFrom': 'Includes {ids}',
    'mod.note': 'Note: {note}',

    'done.approved': 'Question approved',
    'done.approvedN': { one: '{n} question approved', other: '{n} questions approved' },
    'done.rejected': 'Question rejected',
    'done.answered': 'Question marked answered',
    'done.highlighted': 'Question highlighted',
    'done.unhighlighted': 'Highlight removed',
    'done.pinned': 'Question pinned',
    'done.unpinned': 'Question unpinned',
    'done.archived': 'Question archived',
    'done.restored': 'Question restored',
    'done.reopened': 'Question reopened',
    'done.merged': 'Questions merged',
    'done.pollCreated': 'Poll created (draft)',
    'done.pollOpened': 'Poll opened',
    'done.pollClosed': 'Poll closed',
    'done.pollShown': 'Poll shown on screen',
    'done.pollHidden': 'Poll removed from screen',
    'done.pollDeleted': 'Poll deleted',
    'done.pollEdited': 'Poll saved',
    'done.step': 'Step changed',
    'done.saved': 'Saved',
    'done.announced': 'Announcement sent',
    'done.started': 'The meeting has started',
    'done.ended': 'The meeting has ended',

    'agenda.prev': 'Previous step',
    'agenda.next': 'Next step',
    'agenda.go': 'Go to',
    'agenda.goto': 'Go to step: {title}',
    'agenda.currentBadge': 'current',
    'agenda.edit': 'Edit the agenda',
    'agenda.steps': 'Steps, one per line',
    'agenda.save': 'Save the agenda',

    'announce.title': 'Announce',
    'announce.label': 'Message to everyone',
    'announce.send': 'Send announcement',

    'settings.title': 'Settings',
    'meeting.edit': 'Title and description',
    'meeting.titleLabel': 'Title',
    'meeting.descriptionLabel': 'Description',
    'meeting.save': 'Save title and description',
    'meeting.needTitle': 'A meeting needs a title.',
    'settings.qaOpen': 'Questions open',
    'settings.preModeration': 'Approve questions before they appear',
    'settings.anonymous': 'Anonymous only (no names)',
    'settings.reactions': 'Reactions',
    'settings.hideCount': 'Hide attendance from participants and the screen',
    'settings.maxLength': 'Longest question (characters)',
    'settings.streamURL': 'Live stream link for remote followers',
    'settings.save': 'Save settings',

    'ledger.title': 'Moderation ledger',
    'ledger.time': 'Time',
    'ledger.action': 'Action',
    'ledger.subject': 'On',
    'ledger.reason': 'Reason',
    'ledger.poll': 'poll {id}',

    'share.title': 'Share',
    'share.participant': 'Participants',
    'share.screen': 'Big screen',
    'share.report': 'Report',
    'share.moderator': 'Moderators',
    'share.moderatorLink': 'Co-moderator link',
    'share.moderatorWarning': 'Whoever has the moderator link can moderate: share it only with co-moderators.',
    'share.qrAlt': 'QR code to join: {url}',
    'share.copy': 'Copy',
    'share.copyWhat': 'Copy the link: {what}',
    'share.copied': 'Link copied',
    'share.copyFailed': 'Could not copy: select the link and copy it.',

    'keys.toggle': 'Keyboard shortcuts',
    'keys.on': 'Keyboard shortcuts: on',
    'keys.offState': 'Keyboard shortcuts: off',
    'keys.help': 'Shortcuts help',
    'keys.title': 'Keyboard shortcuts',
    'keys.off': 'Shortcuts work when no text field has the focus. Turn them off with the “Keyboard shortcuts” button.',
    'keys.next': 'Next question',
    'keys.prev': 'Previous question',
    'keys.approve': 'Approve the question',
    'keys.reject': 'Reject the question (choose a reason)',
    'keys.highlight': 'Highlight the question on the screen',
    'keys.pin': 'Pin or unpin',
    'keys.answer': 'Mark answered (write an answer)',
    'keys.archive': 'Archive',
    'keys.nextStep': 'Next agenda step',
    'keys.helpKey': 'This help',

    'screen.answering': 'Now answering',
    'screen.top': 'Top questions',
    'screen.noQuestions': 'Questions will appear here.',
    'screen.join': 'Join and ask your questions',
    'screen.code': 'Code',
    'screen.fullscreen': 'Full screen (F)',
    'screen.theme': 'Theme',
    'theme.dark': 'Dark',
    'theme.light': 'Light',
    'theme.contrast': 'High contrast',

    'home.title': 'Live questions, polls and reactions for your meetings',
    'home.join': 'Join a meeting',
    'home.code': 'Meeting code',
    'home.codeHint': 'Six letters and digits, shown on the screen.',
    'home.joinButton': 'Join',
    'home.badCode': 'A meeting code has six letters and digits, for example K7PQ3M.',
    'home.looking': 'Looking for the meeting…',
    'home.create': 'Create a meeting',
    'home.titleLabel': 'Title',
    'home.description': 'Description (optional)',
    'home.steps': 'Agenda steps, one per line (optional)',
    'home.rules': 'Rules',
    'home.createButton': 'Create the meeting',
    'home.needTitle': 'Give the meeting a title.',
    'home.created': 'Your meeting is ready',
    'home.openDashboard': 'Open the moderator dashboard',
    'home.keepModerator': 'Keep the moderator link: it is shown only now, and whoever has it can moderate.',

    'op.room.edit': 'Meeting edited',
    'op.room.settings': 'Settings changed',
    'op.room.start': 'Meeting started',
    'op.room.end': 'Meeting ended',
    'op.agenda.set': 'Agenda changed',
    'op.agenda.goto': 'Step changed',
    'op.announce': 'Announcement',
    'op.question.approve': 'Approved',
    'op.question.reject': 'Rejected',
    'op.question.answer': 'Answered',
    'op.question.reopen': 'Reopened',
    'op.question.highlight': 'Highlight changed',
    'op.question.pin': 'Pin changed',
    'op.question.archive': 'Archived',
    'op.question.restore': 'Restored',
    'op.question.merge': 'Merged',
    'op.poll.create': 'Poll created',
    'op.poll.edit': 'Poll edited',
    'op.poll.delete': 'Poll deleted',
    'op.poll.open': 'Poll opened',
    'op.poll.close': 'Poll closed',
    'op.poll.visibility': 'Poll results visibility',
    'op.poll.lock': 'Poll ballot lock changed',
    'op.poll.show': 'Poll on screen changed',

    'err.bad_message': 'The server did not understand the request.',
    'err.unknown_op': 'This action is not known to the server.',
    'err.forbidden': 'You are not allowed to do this.',
    'err.invalid': 'Something in the request is not valid.',
    'err.empty': 'Write something first.',
    'err.too_long': 'This text is too long.',
    'err.invalid_utf8': 'This text contains invalid characters.',
    'err.control_char': 'This text contains characters that are not allowed.',
    'err.not_joined': 'You have not joined the meeting yet.',
    'err.not_author': 'Only the author can do this.',
    'err.no_question': 'This question no longer exists.',
    'err.no_poll': 'This poll no longer exists.',
    'err.state': 'Not possible now.',
    'err.already': 'Already done.',
    'err.qa_closed': 'Questions are closed.',
    'err.names_disabled': 'Names are turned off in this meeting.',
    'err.reactions_off': 'Reactions are turned off.',
    'err.poll_closed': 'This poll is not open.',
    'err.ballot_locked': 'Votes can no longer be changed in this poll.',
    'err.ended': 'The meeting has ended.',
    'err.rate_limited': 'Too many actions: wait a moment.',
    'err.unavailable': 'The server is busy: try again in a moment.',
    'err.closed': 'Not sent: the connection was closed.',
    'err.offline': 'Not sent: not connected.',
    'err.network': 'The server could not be reached. Check the connection and try again.',
    'err.other': 'Error: {message}',
  },

  fr: {
    'skip': 'Aller au contenu',
    'lang.switchTo': 'Read in English',
    'close': 'Fermer',
    'cancel': 'Annuler',
    'sending': 'Envoi…',
    'queued': 'Pas de connexion : ce sera envoyé au retour de la connexion.',
    'anonymous': 'Anonyme',
    'code.line': 'Code de la réunion {code}',
    'privacy': 'Vous participez sous un identifiant pseudonyme gardé dans ce navigateur. Pas de compte, aucune adresse IP conservée.',

    'conn.connecting': 'Connexion…',
    'conn.live': 'Connecté',
    'conn.reconnecting': 'Connexion perdue, reconnexion…',
    'conn.offline': 'Hors ligne : vos actions seront envoyées au retour de la connexion',
    'conn.degraded': 'Connecté, mais les modifications ne peuvent pas être enregistrées pour le moment : elles seront envoyées dès que possible',
    'fatal.no_room': 'Aucune réunion n’a ce code.',
    'fatal.bad_key': 'Ce lien de modération n’est pas valide.',
    'fatal.no_key': 'Ce lien n’a pas de clé de modération. Ouvrez le lien de modération reçu à la création de la réunion.',
    'fatal.other': 'Le serveur a refusé la connexion.',
    'fatal.bad_version': 'Tribune a été mis à jour sur le serveur. Rechargez cette page pour continuer.',

    'status.scheduled': 'La réunion n’a pas encore commencé.',
    'status.ended': 'La réunion est terminée.',
    'status.badge.scheduled': 'Pas commencée',
    'status.badge.live': 'En cours',
    'status.badge.ended': 'Terminée',

    'pause.pause': 'Suspendre les mises à jour',
    'pause.resume': 'Reprendre les mises à jour',
    'pause.waiting': { one: '{n} mise à jour en attente', other: '{n} mises à jour en attente' },

    'sort.label': 'Trier',
    'sort.popular': 'Populaires',
    'sort.recent': 'Récentes',
    'sort.oldest': 'Plus anciennes',
    'sort.keep': 'Figer l’ordre',

    'votes': { one: '{n} vote', other: '{n} votes' },
    'vote.upvote': 'Soutenir',
    'vote.upvoted': 'Soutenue',
    'vote.added': 'Soutien ajouté',
    'vote.removed': 'Soutien retiré',

    'channel.room': 'Dans la salle',
    'channel.remote': 'À distance',
    'counts.line': '{room} dans la salle · {remote} à distance',
    'counts.mod': 'Dans la salle {room} · À distance {remote} · Pic {peak} · Venus {joined}',

    'join.title': 'Rejoindre la réunion',
    'join.how': 'Comment suivez-vous la réunion ?',
    'join.room': 'Je suis dans la salle',
    'join.remote': 'Je suis à distance',
    'join.name': 'Votre nom (facultatif)',
    'join.nameHint': 'Laissez vide pour participer anonymement.',
    'join.submit': 'Rejoindre',

    'now.title': 'En ce moment',
    'step.current': 'Étape {n} sur {total} : {title}',
    'step.none': 'Aucune étape de l’ordre du jour en cours.',
    'agenda.title': 'Ordre du jour',
    'stream.watch': 'Regarder la retransmission',
    'announcements': 'Annonces',
    'announce.new': 'Annonce : {text}',

    'ask.title': 'Poser une question',
    'ask.label': 'Votre question',
    'ask.submit': 'Envoyer la question',
    'ask.count': '{n} / {max} caractères.',
    'ask.premoderated': 'Les questions sont lues par un modérateur avant de paraître.',
    'ask.closed': 'Les questions sont fermées.',
    'ask.sent': 'Votre question est publiée.',
    'ask.sentModerated': 'Votre question est envoyée. Elle paraîtra quand un modérateur l’aura approuvée.',

    'mine.title': 'Vos questions en attente de modération',
    'mine.pending': 'En attente d’un modérateur',
    'mine.rejected': 'Non publiée : {reason}',
    'mine.withdraw': 'Retirer',
    'mine.withdrawn': 'Question retirée',
    'mine.edit': 'Modifier',
    'mine.editLabel': 'Votre question, corrigée',
    'mine.save': 'Enregistrer',
    'mine.edited': 'Votre question a été corrigée.',
    'mine.editTooLate': 'Un modérateur a traité votre question avant l’envoi de votre correction : elle n’a pas été modifiée.',

    'questions.title': 'Questions',
    'questions.empty': 'Pas encore de question.',
    'answered.title': 'Répondues',
    'refused.line': { one: '{n} question n’a pas été publiée par les modérateurs.', other: '{n} questions n’ont pas été publiées par les modérateurs.' },
    'q.pinned': 'Épinglée',
    'q.yours': 'Votre question',
    'q.highlighted': 'À l’écran',
    'q.answer': 'Réponse : {text}',
    'qstatus.answered': 'Répondue',
    'qstatus.rejected': 'Refusée',
    'qstatus.merged': 'Fusionnée',
    'qstatus.withdrawn': 'Retirée',
    'qstatus.archived': 'Archivée',
    'qstatus.live': 'Publiée',
    'qstatus.pending': 'En attente',

    'reason.duplicate': 'doublon',
    'reason.off-topic': 'hors sujet',
    'reason.abusive': 'propos abusifs',
    'reason.already-answered': 'déjà répondue',
    'reason.other': 'autre raison',

    'polls.title': 'Sondages',
    'poll.status.draft': 'Brouillon',
    'poll.status.open': 'Ouvert',
    'poll.status.closed': 'Clos',
    'poll.ballots': { one: '{n} vote', other: '{n} votes' },
    'poll.youVoted': 'Vous avez voté',
    'poll.yourVote': 'Votre vote : {vote}',
    'poll.vote': 'Voter',
    'poll.change': 'Changer mon vote',
    'poll.pick': 'Choisissez d’abord une réponse.',
    'poll.recorded': 'Votre vote est enregistré.',
    'poll.max': { one: 'Au plus {n} choix.', other: 'Au plus {n} choix.' },
    'poll.scale': 'De 1 (le plus bas) à {scale} (le plus haut).',
    'poll.answer': 'Votre réponse, en quelques mots',
    'poll.results': 'Résultats',
    'poll.share': '{n} ({p} %)',
    'poll.average': 'Moyenne {avg} sur {scale}',
    'poll.hidden.live': 'Les résultats s’affichent au fil des votes.',
    'poll.hidden.voted': 'Les résultats s’affichent une fois que vous avez voté.',
    'poll.hidden.closed': 'Les résultats s’afficheront à la clôture du sondage.',
    'poll.hidden.hidden': 'Les résultats ne sont pas affichés.',
    'poll.screenHidden.live': 'Les résultats s’affichent au fil des votes.',
    'poll.screenHidden.voted': 'Les résultats s’afficheront à la clôture du sondage.',
    'poll.screenHidden.closed': 'Les résultats s’afficheront à la clôture du sondage.',
    'poll.screenHidden.hidden': 'Les résultats ne sont pas affichés.',
    'poll.kind': 'Type',
    'poll.kind.single': 'Choix unique',
    'poll.kind.multiple': 'Choix multiples',
    'poll.kind.rating': 'Note',
    'poll.kind.open': 'Réponse courte (nuage de mots)',
    'poll.vis.live': 'En direct, au fil des votes',
    'poll.vis.voted': 'À chaque votant, à tous à la clôture',
    'poll.vis.closed': 'À la clôture du sondage',
    'poll.vis.hidden': 'Jamais (modérateurs seulement)',
    'poll.visibility': 'Résultats affichés',
    'poll.new': 'Nouveau sondage',
    'poll.question': 'Question posée',
    'poll.options': 'Réponses proposées, une par ligne',
    'poll.maxLabel': 'Nombre de choix maximum par personne',
    'poll.scaleLabel': 'Échelle (de 1 à)',
    'poll.create': 'Créer le sondage',
    'poll.needTitle': 'Écrivez la question posée.',
    'poll.needOptions': 'Proposez au moins deux réponses.',
    'poll.open': 'Ouvrir le sondage',
    'poll.reopen': 'Rouvrir le sondage',
    'poll.close': 'Clore le sondage',
    'poll.showScreen': 'Afficher à l’écran',
    'poll.hideScreen': 'Retirer de l’écran',
    'poll.lock': 'Verrouiller les votes',
    'poll.unlock': 'Déverrouiller les votes',
    'poll.locked': 'Votes verrouillés',
    'poll.onScreen': 'À l’écran',
    'poll.delete': 'Supprimer le sondage',
    'poll.edit': 'Modifier le sondage',
    'poll.saveEdit': 'Enregistrer le sondage',
    'poll.editTooLate': 'Quelqu’un a voté avant l’enregistrement : le sondage n’a pas été modifié.',

    'react.title': 'Réagir',
    'react.sent': 'Envoyé : {reaction}',
    'reaction.applause': 'Applaudir',
    'reaction.agree': 'D’accord',
    'reaction.disagree': 'Pas d’accord',
    'reaction.louder': 'Plus fort',
    'reaction.slower': 'Moins vite',
    'reaction.break': 'Une pause ?',

    'me.title': 'Vous',
    'me.line': 'Affiché comme {name} · {channel}',
    'me.name': 'Nom affiché avec vos questions',
    'me.save': 'Enregistrer le nom',
    'me.saved': 'Nom enregistré',
    'me.rejoin': 'Changer ma façon de suivre',

    'mod.pageTitle': 'Modération',
    'mod.start': 'Commencer la réunion',
    'mod.end': 'Terminer la réunion',
    'mod.endConfirm': 'Terminer la réunion ? Les participants ne pourront plus poser de question ni voter.',
    'mod.queue': 'En attente de modération',
    'mod.queueEmpty': 'Aucune question en attente.',
    'mod.approveAll': 'Tout approuver',
    'mod.live': 'Questions publiées',
    'mod.done': 'Répondues, refusées et archivées',
    'mod.doneEmpty': 'Rien pour l’instant.',
    'mod.reactions': 'Réactions :',
    'mod.approve': 'Approuver',
    'mod.reject': 'Refuser',
    'mod.merge': 'Fusionner',
    'mod.answer': 'Marquer répondue',
    'mod.editAnswer': 'Modifier la réponse',
    'mod.highlight': 'Mettre en avant',
    'mod.unhighlight': 'Ne plus mettre en avant',
    'mod.pin': 'Épingler',
    'mod.unpin': 'Désépingler',
    'mod.archive': 'Archiver',
    'mod.restore': 'Restaurer',
    'mod.reopen': 'Rouvrir',
    'mod.reason': 'Motif',
    'mod.noteLabel': 'Note pour l’auteur (facultatif)',
    'mod.confirmReject': 'Refuser la question',
    'mod.answerLabel': 'Réponse écrite (facultatif)',
    'mod.markAnswered': 'Marquer répondue',
    'mod.mergeInto': 'Fusionner avec',
    'mod.confirmMerge': 'Fusionner les questions',
    'mod.reasonIs': 'Motif : {reason}',
    'mod.mergedInto': 'Fusionnée avec #{id}',
    'mod.mergedFrom': 'Regroupe {ids}',
    'mod.note': 'Note : {note}',

    'done.approved': 'Question approuvée',
    'done.approvedN': { one: '{n} question approuvée', other: '{n} questions approuvées' },
    'done.rejected': 'Question refusée',
    'done.answered': 'Question marquée répondue',
    'done.highlighted': 'Question mise en avant',
    'done.unhighlighted': 'Mise en avant retirée',
    'done.pinned': 'Question épinglée',
    'done.unpinned': 'Question désépinglée',
    'done.archived': 'Question archivée',
    'done.restored': 'Question restaurée',
    'done.reopened': 'Question rouverte',
    'done.merged': 'Questions fusionnées',
    'done.pollCreated': 'Sondage créé (brouillon)',
    'done.pollOpened': 'Sondage ouvert',
    'done.pollClosed': 'Sondage clos',
    'done.pollShown': 'Sondage affiché à l’écran',
    'done.pollHidden': 'Sondage retiré de l’écran',
    'done.pollDeleted': 'Sondage supprimé',
    'done.pollEdited': 'Sondage enregistré',
    'done.step': 'Étape changée',
    'done.saved': 'Enregistré',
    'done.announced': 'Annonce envoyée',
    'done.started': 'La réunion a commencé',
    'done.ended': 'La réunion est terminée',

    'agenda.prev': 'Étape précédente',
    'agenda.next': 'Étape suivante',
    'agenda.go': 'Aller à',
    'agenda.goto': 'Aller à l’étape : {title}',
    'agenda.currentBadge': 'en cours',
    'agenda.edit': 'Modifier l’ordre du jour',
    'agenda.steps': 'Étapes, une par ligne',
    'agenda.save': 'Enregistrer l’ordre du jour',

    'announce.title': 'Annoncer',
    'announce.label': 'Message pour tous',
    'announce.send': 'Envoyer l’annonce',

    'settings.title': 'Réglages',
    'meeting.edit': 'Titre et description',
    'meeting.titleLabel': 'Titre',
    'meeting.descriptionLabel': 'Description',
    'meeting.save': 'Enregistrer le titre et la description',
    'meeting.needTitle': 'Une réunion doit avoir un titre.',
    'settings.qaOpen': 'Questions ouvertes',
    'settings.preModeration': 'Approuver les questions avant publication',
    'settings.anonymous': 'Anonymat obligatoire (pas de nom)',
    'settings.reactions': 'Réactions',
    'settings.hideCount': 'Masquer la participation aux participants et à l’écran',
    'settings.maxLength': 'Longueur maximale d’une question (caractères)',
    'settings.streamURL': 'Lien de la retransmission pour les participants à distance',
    'settings.save': 'Enregistrer les réglages',

    'ledger.title': 'Journal de modération',
    'ledger.time': 'Heure',
    'ledger.action': 'Action',
    'ledger.subject': 'Sur',
    'ledger.reason': 'Motif',
    'ledger.poll': 'sondage {id}',

    'share.title': 'Partager',
    'share.participant': 'Participants',
    'share.screen': 'Grand écran',
    'share.report': 'Compte rendu',
    'share.moderator': 'Modérateurs',
    'share.moderatorLink': 'Lien de co-modération',
    'share.moderatorWarning': 'Qui détient le lien de modération peut modérer : ne le partagez qu’avec les co-modérateurs.',
    'share.qrAlt': 'QR code pour rejoindre : {url}',
    'share.copy': 'Copier',
    'share.copyWhat': 'Copier le lien : {what}',
    'share.copied': 'Lien copié',
    'share.copyFailed': 'Copie impossible : sélectionnez le lien et copiez-le.',

    'keys.toggle': 'Raccourcis clavier',
    'keys.on': 'Raccourcis clavier : activés',
    'keys.offState': 'Raccourcis clavier : désactivés',
    'keys.help': 'Aide des raccourcis',
    'keys.title': 'Raccourcis clavier',
    'keys.off': 'Les raccourcis marchent quand aucun champ de saisie n’a le focus. Désactivez-les avec le bouton « Raccourcis clavier ».',
    'keys.next': 'Question suivante',
    'keys.prev': 'Question précédente',
    'keys.approve': 'Approuver la question',
    'keys.reject': 'Refuser la question (choisir un motif)',
    'keys.highlight': 'Mettre la question en avant à l’écran',
    'keys.pin': 'Épingler ou désépingler',
    'keys.answer': 'Marquer répondue (écrire une réponse)',
    'keys.archive': 'Archiver',
    'keys.nextStep': 'Étape suivante de l’ordre du jour',
    'keys.helpKey': 'Cette aide',

    'screen.answering': 'Question en cours',
    'screen.top': 'Questions les plus soutenues',
    'screen.noQuestions': 'Les questions apparaîtront ici.',
    'screen.join': 'Rejoignez et posez vos questions',
    'screen.code': 'Code',
    'screen.fullscreen': 'Plein écran (F)',
    'screen.theme': 'Thème',
    'theme.dark': 'Sombre',
    'theme.light': 'Clair',
    'theme.contrast': 'Contraste élevé',

    'home.title': 'Questions, sondages et réactions en direct pour vos réunions',
    'home.join': 'Rejoindre une réunion',
    'home.code': 'Code de la réunion',
    'home.codeHint': 'Six lettres et chiffres, affichés à l’écran.',
    'home.joinButton': 'Rejoindre',
    'home.badCode': 'Un code de réunion a six lettres et chiffres, par exemple K7PQ3M.',
    'home.looking': 'Recherche de la réunion…',
    'home.create': 'Créer une réunion',
    'home.titleLabel': 'Titre',
    'home.description': 'Description (facultatif)',
    'home.steps': 'Étapes de l’ordre du jour, une par ligne (facultatif)',
    'home.rules': 'Règles',
    'home.createButton': 'Créer la réunion',
    'home.needTitle': 'Donnez un titre à la réunion.',
    'home.created': 'Votre réunion est prête',
    'home.openDashboard': 'Ouvrir le tableau de modération',
    'home.keepModerator': 'Gardez le lien de modération : il n’est affiché qu’une fois, et qui le détient peut modérer.',

    'op.room.edit': 'Réunion modifiée',
    'op.room.settings': 'Réglages modifiés',
    'op.room.start': 'Réunion commencée',
    'op.room.end': 'Réunion terminée',
    'op.agenda.set': 'Ordre du jour modifié',
    'op.agenda.goto': 'Étape changée',
    'op.announce': 'Annonce',
    'op.question.approve': 'Approuvée',
    'op.question.reject': 'Refusée',
    'op.question.answer': 'Répondue',
    'op.question.reopen': 'Rouverte',
    'op.question.highlight': 'Mise en avant modifiée',
    'op.question.pin': 'Épinglage modifié',
    'op.question.archive': 'Archivée',
    'op.question.restore': 'Restaurée',
    'op.question.merge': 'Fusionnée',
    'op.poll.create': 'Sondage créé',
    'op.poll.edit': 'Sondage modifié',
    'op.poll.delete': 'Sondage supprimé',
    'op.poll.open': 'Sondage ouvert',
    'op.poll.close': 'Sondage clos',
    'op.poll.visibility': 'Visibilité des résultats',
    'op.poll.lock': 'Verrouillage des votes modifié',
    'op.poll.show': 'Sondage à l’écran modifié',

    'err.bad_message': 'Le serveur n’a pas compris la demande.',
    'err.unknown_op': 'Cette action est inconnue du serveur.',
    'err.forbidden': 'Vous n’avez pas le droit de faire cela.',
    'err.invalid': 'Un élément de la demande n’est pas valide.',
    'err.empty': 'Écrivez d’abord quelque chose.',
    'err.too_long': 'Ce texte est trop long.',
    'err.invalid_utf8': 'Ce texte contient des caractères invalides.',
    'err.control_char': 'Ce texte contient des caractères non autorisés.',
    'err.not_joined': 'Vous n’avez pas encore rejoint la réunion.',
    'err.not_author': 'Seul l’auteur peut faire cela.',
    'err.no_question': 'Cette question n’existe plus.',
    'err.no_poll': 'Ce sondage n’existe plus.',
    'err.state': 'Impossible pour le moment.',
    'err.already': 'Déjà fait.',
    'err.qa_closed': 'Les questions sont fermées.',
    'err.names_disabled': 'Les noms sont désactivés dans cette réunion.',
    'err.reactions_off': 'Les réactions sont désactivées.',
    'err.poll_closed': 'Ce sondage n’est pas ouvert.',
    'err.ballot_locked': 'Les votes ne peuvent plus être changés dans ce sondage.',
    'err.ended': 'La réunion est terminée.',
    'err.rate_limited': 'Trop d’actions : patientez un instant.',
    'err.unavailable': 'Le serveur est occupé : réessayez dans un instant.',
    'err.closed': 'Non envoyé : la connexion a été fermée.',
    'err.offline': 'Non envoyé : pas de connexion.',
    'err.network': 'Le serveur est injoignable. Vérifiez la connexion et réessayez.',
    'err.other': 'Erreur : {message}',
  },
};

/**
 * Adds strings to both dictionaries (a page with its own vocabulary, like
 * the report, registers it before initI18n). Existing keys are kept.
 * @param {{en: Record<string, any>, fr: Record<string, any>}} more
 */
export function extend(more) {
  for (const l of /** @type {Lang[]} */ (['en', 'fr'])) {
    for (const [k, v] of Object.entries(more[l] || {})) {
      if (!(k in dictionaries[l])) dictionaries[l][k] = v;
    }
  }
}

/** The languages offered, by their own names. */
const names = { fr: 'Français', en: 'English' };

/** @type {Lang} */
let current = 'en';
const listeners = new Set();

/**
 * Picks a language: the stored choice, else the first of the browser's
 * languages we speak, else English.
 * @param {readonly string[]} preferred navigator.languages
 * @param {string|null} stored
 * @returns {Lang}
 */
export function pickLang(preferred, stored) {
  if (stored === 'fr' || stored === 'en') return stored;
  for (const l of preferred || []) {
    const base = String(l).toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

/** @returns {Lang} */
export function lang() {
  return current;
}

/** @returns {Lang} the language not in use */
export function otherLang() {
  return current === 'fr' ? 'en' : 'fr';
}

/** @param {Lang} l */
export function langName(l) {
  return names[l];
}

/**
 * The text for key in the current language, with {name} placeholders
 * filled from params. A missing key returns the key itself.
 * @param {string} key
 * @param {Record<string, any>} [params]
 * @param {Lang} [l]
 */
export function t(key, params, l = current) {
  let s = dictionaries[l][key] ?? dictionaries.en[key];
  if (s === undefined) return key;
  if (typeof s === 'object') {
    const n = Number(params && params.n);
    s = new Intl.PluralRules(l).select(n) === 'one' ? s.one : s.other;
  }
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/**
 * Calls fn after every language change; returns a function that stops it.
 * @param {() => void} fn
 */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Switches language, remembers the choice, updates the page.
 * @param {Lang} l
 */
export function setLang(l) {
  if (l !== 'fr' && l !== 'en') return;
  current = l;
  try { localStorage.setItem(storageKey, l); } catch { /* not kept */ }
  applyToDocument();
  for (const fn of listeners) fn();
}

/** Fills the static text of the document in the current language. */
export function applyToDocument(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.getAttribute('data-i18n') || '');
  for (const [attr, data] of [['aria-label', 'data-i18n-label'], ['placeholder', 'data-i18n-placeholder'], ['title', 'data-i18n-title']]) {
    for (const el of root.querySelectorAll(`[${data}]`)) el.setAttribute(attr, t(el.getAttribute(data) || ''));
  }
}

/** Chooses the language for this page and fills its static text. */
export function initI18n() {
  let stored = null;
  try { stored = localStorage.getItem(storageKey); } catch { /* none */ }
  current = pickLang(navigator.languages || [navigator.language], stored);
  applyToDocument();
}
