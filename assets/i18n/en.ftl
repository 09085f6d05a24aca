# citizen-desk: English strings. Arabic (ar.ftl) is the primary language;
# every id here must exist there too (a test checks).

## Request states
state-received = received
state-verified = verified
state-approved = approved
state-printed = printed
state-enveloped = enveloped
state-dispatched = dispatched
state-rejected = rejected
state-cancelled = cancelled
state-delivered = delivered
state-returned = returned

## Roles
role-clerk = clerk
role-supervisor = supervisor
role-admin = admin

## Actions
action-lookup = look up requests
action-verify = verify
action-stamp = stamp
action-reject = reject
action-cancel = cancel
action-print = print
action-print-copy = print a copy
action-authorise-reprint = authorise a reprint
action-envelope = put in an envelope
action-dispatch = dispatch to the post
action-manage-users = manage users
action-manage-keys = manage keys
action-manage-settings = change settings
action-backup = back up the store
action-restore = restore the store
action-read-audit = read the audit log

## Errors
err-national-id-empty = The national ID is empty. Type its 11 digits.
err-national-id-char = The national ID contains "{ $char }" (character { $position }). Only digits are allowed.
err-national-id-length = The national ID has { PLURAL($count) ->
        [zero] no digits
        [one] one digit
       *[other] { $count } digits
    }; it must have exactly 11.
err-request-not-found = No request matches "{ $reference }". Check the request number or tracking code.
err-request-ref-empty = Give a request id or a tracking code.
err-no-requests-for-person = No requests were found for national ID { $id }.
err-user-not-found = There is no user named "{ $user }".
err-user-exists = A user named "{ $user }" already exists.
err-bad-user-name = User names are 1 to 32 Latin letters, digits, ".", "_" or "-".
err-user-required = Say who is acting with --user NAME.
err-forbidden = Not allowed: the { $role } role may not { $action }.
err-two-person-rule = Two-person rule: the supervisor who verified this request cannot also stamp it. Another supervisor must stamp.
err-already-stamped = { $user } has already stamped this request.
err-unpaid = This request is not paid yet; it cannot be printed.
err-invalid-transition = Cannot { $action } a request that is { $state }.
err-reason-required = A reason is required.
err-wrong-pin = Wrong PIN. { PLURAL($left) ->
        [zero] No attempts
        [one] One attempt
       *[other] { $left } attempts
    } left before the account is locked.
err-locked = This account is locked after too many wrong PINs. Try again after { $until } (Damascus time), or ask an admin to unlock it.
err-user-inactive = The account "{ $user }" is deactivated (or changed since sign-in).
err-weak-pin = A PIN must be at least 6 digits, and digits only.
err-last-admin = The last active admin cannot be deactivated.
err-no-pin = No PIN was given (set CITIZEN_DESK_PIN or type it on standard input).
err-bad-role = Unknown role "{ $role }": use clerk, supervisor or admin.
err-bad-state = Unknown state "{ $state }": use received, verified, approved, printed, enveloped, dispatched, rejected or cancelled.
err-bad-code = Center and desk codes are 1 to 12 capital Latin letters or digits.
err-demo-too-many = At most 50,000,000 demo requests.
err-not-initialised = There is no desk store at { $path }. Run "citizen-desk init" (or "citizen-desk demo") first.
err-already-initialised = A desk store already exists at { $path }; it was left untouched.
err-newer-schema = { $path } was written by a newer citizen-desk (schema { $found }; this version knows up to { $supported }). Update citizen-desk; the file was not changed.
err-corrupt = The store file { $path } is damaged or is not a citizen-desk store ({ $detail }). It was not changed. Restore the latest backup.
err-disk-full = The disk is full; nothing was saved from this action. Free some space and try again. ({ $detail })
err-busy = The store is busy in another program; try again in a moment. ({ $detail })
err-storage = Storage error: { $detail }
err-io = Cannot use { $path }: { $detail }
err-file-too-large = { $path } is larger than { $limit } MB; it was not read.
err-emblem-format = The emblem file is not a PNG or JPEG picture; it was not set.
err-emblem-damaged = The emblem file is damaged and does not read as a picture; it was not set.
err-stored-emblem = The emblem kept in this desk's store cannot be read. An admin sets it again (citizen-desk deployment --emblem FILE) or removes it (--no-emblem); until then documents cannot be printed.
err-emblem-too-large = The emblem is larger than allowed: { $limit } MB and { $side } pixels a side; it was not set.
err-verify-hint-empty = The verification sentence is empty or has control characters; write it as one paragraph.
err-verify-hint-too-long = The verification sentence is longer than two printed lines beside the seal (or { $limit } characters); shorten it.
gui-deployment-emblem = Emblem on documents: a { $width }×{ $height } pixel picture, set by an admin.
deployment-emblem = Emblem: a { $width }×{ $height } pixel picture, sha256:{ $sha256 }
deployment-no-emblem = Emblem: none; documents print without one.
deployment-verify-hint = Verification sentence: { $hint }
deployment-default-verify-hint = Verification sentence: the general one from the document templates.
err-outbox-row = Outbox row { $seq } does not read as a valid change, so sync stopped there: { $detail }
err-data = Invalid built-in data: { $detail }

## Prompts
prompt-pin = PIN
prompt-new-pin = New PIN (at least 6 digits)

## Results
done-initialised = Desk store created at { $path } for center { $center }, desk { $desk }. Admin: { $admin }.
done-demo = Demo store created at { $path }: { PLURAL($count) ->
        [one] 1 request
       *[other] { $count } requests
    }, center { $center }, desk { $desk }.
demo-users = Demo users (demo only, PIN { $pin }):
done-user-added = User { $user } added as { $role }.
done-pin-reset = New PIN set for { $user }; the account is unlocked.
done-user-unlocked = { $user } is unlocked.
done-user-deactivated = { $user } is deactivated.
done-backup = Backup written and checked: { $path }
err-backup-no-key = This desk has no backup key yet, so nothing was written: an admin makes one with "citizen-desk backup-key new" (it is printed once: keep it on paper, away from the desk).
err-backup-needs-key = This backup is encrypted: give its recovery key (--key-file FILE, or type it when asked). The current store is unchanged.
err-backup-wrong-key = This recovery key does not open this backup: it was made for another key. The current store is unchanged.
err-backup-damaged = The backup { $path } is damaged or cut short ({ $detail }); nothing was restored and the current store is unchanged.
err-backup-bad-key = That is not a recovery key: one begins with AGE-SECRET-KEY-1. The current store is unchanged.
err-backup-bad-recipient = “{ $text }” is not a backup recipient: one begins with age1.
err-backup-key-exists = This store has a recovery key already; an admin makes a new one with "citizen-desk backup-key new".
prompt-recovery-key = Recovery key
done-recovery-key = The recovery key for this desk's backups, shown this once. Write it down and keep it away from the desk: without it no backup can be restored, and whoever holds it can read them.
done-backup-recipient = Backups are encrypted to { $recipient } too, from the next one on.
backup-no-recipients = No backup key yet: "citizen-desk backup-key new" makes one.
done-restored-plain = This backup was a plain file from before backups were encrypted: delete it once a new, encrypted backup is made.
done-restored-enrol-again = Backups carry no hub token: an admin enrols this desk again (citizen-desk enroll) with a new code from the hub's operator, who first revokes this desk's old enrolment (hub desks, hub revoke). Until then everything is kept and queued.
done-restored = Store restored (center { $center }, desk { $desk }). The replaced store was kept at: { $kept }
done-state = { $tracking } is now { $state } ({ $applied }/{ $required } stamps).
audit-intact = Audit log intact: { PLURAL($rows) ->
        [one] 1 entry
       *[other] { $rows } entries
    }, head { $head }.
audit-broken = Audit log BROKEN at entry { $seq }: { $reason }.
audit-unguarded = The audit log is UNGUARDED: its append-only triggers are missing or changed ({ $triggers }); its rows could have been rewritten with their hashes recomputed. Compare with the hub's anchor (hub status) and restore the store from a backup.

## Labels
label-request-id = Request
label-tracking = Tracking code
label-state = State
label-service = Service
label-national-id = National ID
label-name = Name
label-mother = Mother
label-governorate = Governorate
label-submitted = Submitted
label-payment = Payment
label-paid = paid
label-unpaid = NOT PAID
label-delivery = Delivery
label-due = Due
label-overdue = OVERDUE
label-document-number = Document number
label-stamps = Stamps
label-stamp = stamp
label-next-steps = You can
label-nothing-to-do = nothing more
label-fee = { $fee } SYP
channel-app = the «Muamalati» app
channel-web = the web site
label-default-printer = (default)
label-stamps-required = { PLURAL($count) ->
        [zero] no stamps
        [one] 1 stamp
       *[other] { $count } stamps
    }
label-reason = Reason
label-store = Store
label-center-desk = Center / desk
label-outbox-pending = Waiting to sync
label-inactive = deactivated
label-locked-until = locked until { $until }
class-fast = fast (24 h)
class-slow = slow ({ PLURAL($days) ->
        [one] 1 working day
       *[other] { $days } working days
    })

## Seal
seal-valid = VALID
seal-invalid = INVALID
seal-bad-prefix = This is not a citizen-desk seal (it does not start with { $prefix }).
seal-bad-base45 = The seal text is damaged (Base45: { $detail }).
seal-bad-zlib = The seal text is damaged (compression: { $detail }).
seal-bad-cose = The seal's signed structure is damaged ({ $detail }).
seal-bad-payload = The seal's content is not readable ({ $detail }).
seal-unknown-service = The seal names a service this verifier does not know ({ $service }).
seal-unknown-key = The seal was signed with a key that is not in the trust list (kid { $kid }).
seal-bad-signature = A signature does not match the content: the seal or the document was altered (kid { $kid }).
seal-revoked-key = The key of { $owner } (kid { $kid }) has been revoked.
seal-key-not-valid = The key of { $owner } (kid { $kid }) was not valid when it signed.
seal-wrong-signer = A signature is not from who it claims ({ $detail }).
seal-no-center-signature = The issuing center's signature is missing.
seal-missing-stamps = Supervisor stamps missing: { $have } of { $need }.
seal-copy = Copy { $number }, authorised by { $name }.
seal-copy-not-authorised = The seal is marked as a copy without a supervisor's authorisation of that copy, or carries an authorisation the center did not sign for: a forgery.
seal-expired = The document expired on { $date }.
seal-not-yet-valid = The document is dated in the future ({ $date }); check this device's clock.
seal-warn-trust-old = The trust list is { PLURAL($days) ->
        [zero] less than a day
        [one] 1 day
       *[other] { $days } days
    } old: import a current one.
seal-warn-demo = Signed with a DEMO key ({ $owner }): not an official document.
label-issuer = Issuing center
label-issued = Issued
label-expires = Valid until
label-trust-root = Trust list root
label-until = until
label-from = from
label-revoked = REVOKED
done-seal-made = Seal written to { $path } (QR version { $version }, { PLURAL($chars) ->
        [one] 1 character
       *[other] { $chars } characters
    }).
done-key-revoked = Key { $kid } revoked.
done-trust-imported = Trust list from root { $root } imported: { PLURAL($added) ->
        [one] 1 key
       *[other] { $added } keys
    } added, { $updated } updated.
done-trust-exported = Signed trust list written to { $path }.
err-no-signing-key = This desk has no usable { $role } key.
err-no-seal-payload = This request has no frozen seal content (it was never verified).
err-stamp-unsigned = The stamp by { $user } carries no signature (made before seals existed): ask a supervisor to stamp again.
err-bad-public-key = Not a usable public key (give Base64 SubjectPublicKeyInfo DER or PEM).
err-unknown-key = No key with id { $kid }.
err-trust-file = The trust list file is not valid: { $detail }
err-untrusted-root = The trust list is signed by root { $kid }, which this desk does not trust. Compare it with the published fingerprint, then import again with --accept-root { $kid }.
err-no-trust-list = There is no trust list here: give --trust FILE (a list exported by a center).
err-seal-input = Give the seal text, --image FILE or --pdf FILE.
done-rendered = Document written to { $path } ({ $mark }).
err-reprint-needs-supervisor = This document was already printed: a copy needs a supervisor's authorisation (--authorised-by NAME, with their PIN).
err-copy-before-original = The original is not printed yet: print it first, without a copy's authorisation; copies come after the original.
done-printed = { $tracking }: { $mark } written to { $path }.
err-nothing-to-dispatch = This desk holds no envelopes waiting for the post (other desks hand over their own).
err-barcode = The tracking code { $code } cannot be drawn as a barcode: it has a character Code 128 does not carry (Latin letters and digits only).
done-dispatched = Batch { $batch }: { PLURAL($count) ->
        [one] 1 envelope
       *[other] { $count } envelopes
    } handed to the post; manifest written to { $path }.
err-paper-no-cups = Paper printing needs CUPS, which is not installed on this computer. Save the document as PDF instead.
err-paper-scheduler-down = The printing service (CUPS) is not running. Ask IT to start it, or save the document as PDF.
err-paper-unknown-printer = There is no printer named { $printer }. Run "citizen-desk printers" to see the printers.
err-paper-paused = The printer { $printer } is paused. Resume it, or choose another printer.
err-paper-failed = Printing failed: { $detail }
err-no-printer-chosen = No printer chosen: give --printer NAME, or choose one with "citizen-desk printers --use NAME".
done-printer-chosen = Printer { $printer } will be used by this desk.
done-printed-paper = { $tracking }: { $mark } sent to { $printer } as job { $job } ({ $state }).
mark-draft = draft
mark-original = sealed original
mark-copy = copy
job-pending = pending
job-held = held
job-processing = printing
job-stopped = stopped
job-canceled = cancelled
job-aborted = aborted, not printed
job-completed = completed
job-ended = no longer queued
job-unknown = state unknown

# Sync with the hub
err-sync-not-enrolled = This desk is not enrolled with a hub. An admin runs "citizen-desk enroll --hub URL --code CODE" with the code from the hub's operator.
err-sync-unreachable = The hub ({ $url }) cannot be reached; work continues offline and everything is queued. ({ $detail })
err-sync-refused = The hub refused the request ({ $status } { $code }): { $detail }
err-sync-bad-answer = The hub's answer was not understood; nothing was lost, it will be tried again. ({ $detail })
err-bad-fingerprint = That is not a fingerprint: it is "sha256:" and 64 hex digits, as "citizen-desk hub tls fingerprint" prints it.
err-sync-bad-url = "{ $url }" is not a hub address. Give it as https://HOST:PORT (or http://127.0.0.1:PORT for a hub on this machine).
err-sync-plain-http = Plain http:// is allowed only to a hub on this machine; over the network use https:// with the hub's fingerprint ({ $url }). Nothing was sent.
err-sync-no-trust = To reach { $url } over TLS the desk must know the hub: give --fingerprint with the fingerprint the hub's operator read to you, or --ca with the ministry's CA certificate. Nothing was sent.
err-sync-bad-trust = The hub's CA certificate cannot be used: { $detail }
err-sync-wrong-key = SECURITY: the server at { $url } did not show this desk's hub key. Pinned: { $expected }; shown: { $seen }. Someone may be intercepting the connection; nothing was sent and everything stays queued. Call the hub's operator.
err-sync-untrusted = The certificate of { $url } is not trusted by the CA this desk was given ({ $detail }). Nothing was sent; everything stays queued.
err-sync-demo-store = A demo store cannot enrol with a hub: its requests are invented. Create a real store with "citizen-desk init".
err-sync-center-mismatch = The enrolment code is for center { $hub }, but this desk belongs to { $desk }. Nothing was changed.
err-no-conflict = There is no open conflict number { $id }.
done-enrolled = This desk is enrolled with the hub { $hub } (center { $center }, desk number { $id }). Run "citizen-desk sync" to start syncing.
done-synced = Synced. At the hub: { $applied } applied, { $duplicate } already there, { $rejected } refused (see "citizen-desk conflicts"). From the hub: { $new } new, { $updated } updated. Still queued: { $queued }.
sync-retry = Sync failed; trying again in { PLURAL($seconds) ->
        [zero] a moment
        [one] 1 second
       *[other] { $seconds } seconds
    }. { $detail }
outbox-status = Hub: { $hub }. Queued: { $queued }. Synced: { $synced }. Refused: { $rejected }. Open conflicts: { $conflicts }.
outbox-last = State: { $online }. Last success: { $success }. Last error: { $error }
label-never = never
label-not-enrolled = not enrolled
label-online = online
label-offline = offline
label-desk-key = Desk key (encrypts the center and root keys; never in the data directory or in backups)
desk-key-in-credential-store = the OS credential store ({ $entry })
conflicts-none = No open conflicts.
conflict-line = #{ $id } { $tracking }: desk says { $desk }, hub says { $hub }. { $reason }
change-handover-batch = hand-over batch to the post
hub-reason-no-request = the hub has no request { $request } for center { $center }
hub-reason-copy = a copy of a request that is { $state }
hub-reason-copy-self = { $actor } printed this copy and may not authorise it too
hub-reason-copy-authoriser = the copy's seal is authorised by { $seal }, not by { $said } as the desk says
hub-reason-stale = stale: the desk saw { $from }, the hub holds { $state }
hub-reason-illegal = { $action } cannot take { $from } to { $to }
hub-reason-role = the role { $role } may not { $action }
hub-reason-batch-foreign = hand-over batch { $batch } is not this desk's (its batches begin { $prefix })
hub-reason-batch-taken = hand-over batch { $batch } was recorded by another desk
hub-reason-time = the step is dated { $at }, before the request was submitted or ahead of the hub's clock
hub-reason-two-person = { $actor } verified this request and may not stamp it too (two-person rule)
hub-reason-stamped-twice = { $actor } has stamped this request already
hub-reason-unpaid = the hub holds this request as not paid: it cannot be printed
hub-reason-number-taken = document number { $number } belongs to another request of this center
hub-reason-unreadable = the hub cannot read this change (from a newer desk, or a damaged row): { $detail }; it was not applied
hub-reason-seal-missing = the print carries no seal: the hub records a sealed original only under a seal it can check
hub-reason-seal-digest = the seal the print carries is not the one whose SHA-256 the desk recorded
hub-reason-seal-no-trust = the hub holds no trust list from this desk to check the seal with (a desk enrolled before the hub checked seals sends it with its next print)
hub-reason-seal-invalid = the seal the print carries does not verify: { $why }
seal-backing-number = the seal is of document { $seal }, not of this request's { $number }
seal-backing-content = the seal's national ID, service or content digest is not this request's
seal-backing-verifier = { $actor } verified this request, and the seal carries their stamp too (two-person rule)
seal-backing-unrecorded = the seal carries a stamp by { $actor }, which this request's record does not hold
seal-backing-stamps = the seal carries { $have } of the { $need } stamps this request needs
done-conflict-settled = Conflict #{ $id } settled; the request now has the hub's state ({ $state }).
err-hub = Hub: { $detail }

# The desk app
gui-title = citizen-desk — Citizen Service Center desk
gui-switch-language = العربية
gui-window-failed = The desk window could not be opened: { $detail }
gui-no-display = There is no screen to open the desk window on (no DISPLAY or WAYLAND_DISPLAY). Run it on the desk's screen, or use the command line (citizen-desk --help).
gui-first-run = There is no desk store here yet.
gui-open-demo = Open a demo center (2,000 requests)
gui-or-set-up = Or set up this desk for a real center:
gui-center-code = Center code (e.g. TRT01)
gui-desk-code = Desk code (e.g. D01)
gui-admin-name = First admin's user name
gui-new-pin = Admin PIN (at least 6 digits)
gui-create-store = Create the desk store
gui-store-created = The desk store was created. Sign in as the admin to add staff.
gui-sign-in-title = Sign in
gui-user = User name
gui-pin = PIN
gui-sign-in = Sign in
gui-sign-out = Sign out
gui-demo-users = Demo users (PIN { $pin }):
gui-locked-idle = Signed out after 5 minutes without use.
gui-busy-stamping = Opening the stamp key and stamping…
gui-busy-creating = Setting up the center (making its keys)…
gui-busy-demo = Making the demo center…
gui-busy-signing-in = Checking the PIN…
gui-busy-printing = Sealing and writing the PDF…
gui-busy-preview = Drawing the pages…
gui-busy-envelope = Writing the envelope's label…
gui-busy-paper = Sending the document to the printer…
gui-busy-dispatching = Writing the hand-over manifest…
gui-busy-reading-seal = Reading the file…
gui-busy-settling = Checking the supervisor's PIN and settling…
gui-busy-backup = Writing the encrypted backup…
gui-busy-finding-printers = Asking the print system for its printers…
gui-busy-checking-printer = Checking the printer with the print system…
gui-busy-saving-pin = Saving the PIN (hashing it)…
gui-busy-verifying = Recording the verification…
gui-busy-rejecting = Recording the rejection and its reason…
gui-busy-cancelling = Recording the cancellation and its reason…
gui-idle-warning = Signing out in 30 seconds for lack of use: press any key or click to stay. What you typed is kept for you.
gui-nav-lookup = Lookup
gui-nav-outbox = Outbox
gui-nav-verify = Check a seal
gui-lookup-title = Find a request by national ID or tracking code
gui-lookup-placeholder = National ID (11 digits) or tracking code
gui-search = Search
gui-no-results = Nothing found.
gui-today = Today, { $date }, by service
gui-due = Due
gui-status-bar = { $link } · Waiting to sync: { $queued } · Conflicts: { $conflicts } · Last sync: { $last } · Printer: { $printer }
gui-status-standalone = Not linked to a hub
gui-status-syncing = Syncing…
gui-status-online = Online
gui-status-offline = Offline (everything is kept and queued)
gui-status-never = never
gui-status-no-printer = none chosen
gui-confirm = Are you sure?
gui-confirm-yes = Yes, go ahead
gui-confirm-no = No, go back (Esc)
gui-confirm-dispatch = Hand over every waiting envelope to the post in one batch? Envelopes: { $count }. This cannot be undone.
gui-confirm-reject = Reject request { $tracking } with this reason? This cannot be undone.
gui-confirm-cancel = Cancel request { $tracking } with this reason? This cannot be undone.
gui-confirm-deactivate = Deactivate the account { $user }? They can no longer sign in.
gui-done-cancelled = Cancelled, with the reason recorded.
gui-cancel-request = Cancel the request
gui-reason-first = Type the reason first: rejecting and cancelling need one.
gui-stamp-queue = Waiting for your stamp (oldest first): { $count }
gui-payment = Payment
gui-payment-paid = paid, { $fee } SYP through { $bank }
gui-payment-unpaid = not paid yet ({ $fee } SYP due)
gui-document-number = Document number
gui-stamps = Stamps
gui-stamps-of = { $done } of { $needed } ({ $by })
gui-reason-given = Reason
gui-request-keys = Keys: Alt+1…4 tick the checklist · Alt+V verify · Alt+S stamp · Alt+P print · Alt+E envelope · Alt+R reason · Esc back
gui-overdue = OVERDUE
gui-paid = paid
gui-unpaid = NOT PAID
gui-back = Back
gui-citizen = The citizen
gui-document = The document
gui-name = Name
gui-mother = Mother
gui-national-id = National ID
gui-phone = Phone
gui-delivery = Delivery
gui-checklist = Before verifying, confirm:
gui-check-identity = The person's identity matches the request
gui-check-document = The document type is the one requested
gui-check-data = The document's data is complete and matches
gui-check-payment = The fee is paid
gui-verify = Verify
gui-stamp-title = Supervisor's stamp approval (the supervisor types their own PIN)
gui-supervisor = Supervisor's user name
gui-supervisor-pin = Supervisor's PIN
gui-stamp = Approve with my stamp
gui-print-pdf = Print the sealed original to PDF
gui-envelope = Put in the envelope (print the label)
gui-reason = Reason for rejecting
gui-reject = Reject
gui-written-to = Written to { $path }
gui-done-verified = Verified: the document number is assigned and the content frozen.
gui-done-stamped = Stamp applied; more stamps are required.
gui-done-approved = Stamp applied: the request is approved.
gui-preview = Preview the document as it will print
gui-preview-draft = Preview below: a draft, without a seal (the sealed original prints once approved).
gui-preview-copy = Preview below: a copy for reading, without a seal (a sealed copy needs a supervisor).
gui-done-printed = The sealed original was printed to PDF.
gui-done-enveloped = In its envelope; the label was written.
gui-done-rejected = Rejected, with the reason recorded.
gui-outbox-title = Outbox: what is waiting for the hub
gui-sync-now = Sync now
gui-syncing = Syncing…
gui-verify-title = Check a document's seal
gui-check-seal = Check
gui-worklist = New requests waiting, most urgent first
gui-nav-settings = Settings
gui-settings-title = Settings
gui-arabic-digits = Print documents with Arabic-Indic digits (٠-٩)
gui-data-location = The desk's data: { $path }
gui-hub-address = Hub: { $hub }
gui-backup-now = Back up now
err-preview = The document was written, but its preview could not be drawn: { $detail }
gui-nav-admin = Admin
gui-admin-users = Staff accounts
gui-admin-pin-placeholder = New PIN (6+ digits)
gui-admin-add = Add user
gui-admin-reset-hint = To reset a PIN, type the new PIN here, then press "Reset PIN" on the person's row:
gui-admin-reset = Reset PIN
gui-admin-unlock = Unlock
gui-admin-deactivate = Deactivate
gui-admin-keys = Seal keys this desk trusts
gui-key-root = root (signs the trust list)
gui-key-center = center (signs originals)
gui-key-supervisor = supervisor (signs stamps)
gui-key-expired = signing period over
gui-key-expires-soon = { PLURAL($days) ->
        [zero] expires today
        [one] 1 day left
       *[other] { $days } days left
    }
gui-key-demo = demo key
gui-no-printer = No printer chosen: choose one in Settings (F5).
gui-no-printers = CUPS has no printers on this computer.
gui-printer-current = Paper printer: { $printer }
gui-find-printers = Find printers
gui-use-printer = Use this printer
gui-print-paper = Print the sealed original on { $printer }
gui-label-conditions = Delivery conditions (on the label)
gui-label-place = Delivery place
gui-enveloped-waiting = Envelopes at this desk waiting for the post: { $count }
gui-dispatch = Hand over to the post (print the manifest)
gui-printer-none = none chosen yet
gui-seal-file = Or a file: a scan or photo of the QR (PNG, JPEG) or the PDF (its path)
gui-open-seal-file = Open and check
gui-no-seal-in-file = No seal was found in this file (no readable QR code, or a PDF without a seal).
gui-summary-line = { $service }: { $new } new today · { $open } open · { $overdue } overdue · { $finished } finished today
gui-summary-overdue = Overdue now: { $count }
gui-all-by-state = All requests at this desk, by state:
gui-copy-title = An authorised copy (a supervisor types their own PIN)
gui-print-copy = Print a copy to PDF
gui-unpaid-no-print = This request's fee is not paid yet: its document cannot be printed.
gui-done-copy = A copy, marked COPY, was printed to PDF and logged.
gui-conflicts-title = Conflicts: changes the hub refused
gui-settle-note = A note for the file (why the hub's state is accepted)
gui-settle = Settle: accept the hub's state
gui-open-conflicts = Conflicts to settle (F7)
gui-enroll-title = Enrol this desk with the hub (admin): the hub's address, and the fingerprint and one-time code its operator gives (no fingerprint only for a hub on this machine)
gui-hub-fingerprint = Hub fingerprint (sha256:…)
gui-hub-url = Hub address (https://…)
gui-enroll-code = One-time code
gui-enroll = Enrol
gui-enrolling = Enrolling…
err-hub-no-certificate = The hub has no TLS certificate: run "citizen-desk hub tls init" (or give --tls-cert and --tls-key, or --plain for a loopback address).
err-hub-tls-exists = The hub already has a key and certificate ({ $path }). Replacing them makes every desk enrol again; add --force to do it.
err-hub-faults-release = CITIZEN_DESK_HUB_FAULTS is set, but fault injection exists only in test builds. Unset it to run this hub.
done-hub-tls = Key and certificate written ({ $path }). Give desks this fingerprint with their enrolment codes:
done-hub-revoked = Desk { $id }'s token is revoked; the desk can no longer sync until it enrols again with a new code.
done-hub-rotated = Desk { $id } gets a new token at its next sync; the old one stops working once the desk uses the new one.
hub-desks-title = Enrolled desks:
hub-desk-line = desk { $id } ({ $center }/{ $desk }): enrolled { $enrolled }, last seen { $seen }, trust root { $root }{ $revoked }{ $rotation }
hub-desk-revoked = , REVOKED { $at }
hub-desk-rotation = , new token pending
hub-demo-added = { PLURAL($count) ->
        [one] 1 demo request
       *[other] { $count } demo requests
    } added for { $centers }
hub-state-now = { $tracking } is now { $state } at the hub.
hub-trust-published = Trust list version { $version } published.
hub-status-requests = Requests by center and state:
hub-status-totals = changes applied: { $applied }, rejected: { $rejected }, hand-over batches: { $batches }, unauthorised attempts: { $unauthorised }, trust list version: { $trust }
hub-status-desk = desk { $id } ({ $center }/{ $desk }): last seen { $seen }, audit head { $seq } { $hash }
hub-never = never
hub-no-root = none yet
hub-audit-rewritten = AUDIT LOG TRUNCATED OR REWRITTEN
err-bad-full-name = That full name is not valid: 2 to 80 characters, letters and spaces only.
err-image-too-large = The picture is too large to read (more than { $side } pixels on a side, or more than { $mib } MiB decoded): scan or photograph the seal again at a smaller size.
err-seal-not-backed = Nothing was printed: the seal this original would carry does not hold ({ $why }). The request's record or its stamps were changed outside the program; a supervisor looks into it.
err-payment-unconfirmed = Nothing was printed: the hub does not vouch for this request's payment as this desk records it. Sync the desk and try again; if it happens again, the record was changed outside the program and a supervisor looks into it.
err-deactivate-self = You cannot deactivate your own account; another admin can.
err-credential-store = This desk's key is kept in the OS credential store, which did not answer: sign in to the desktop session (or unlock its keyring) and try again. Nothing was signed. ({ $detail })
err-copy-self-authorised = A copy needs a second person: the supervisor who authorises it cannot be the one printing it.
done-full-name = Full name of { $user } saved; documents print it.
gui-admin-full-name = Full name as printed on documents
gui-admin-set-full-name = Use as full name
gui-history = History
gui-history-empty = No steps yet.
gui-history-hub = the hub
history-verify = verified
history-stamp = stamped
history-reject = rejected
history-cancel = cancelled
history-print = sealed original printed
history-print-copy = authorised copy printed
history-render = draft or reading copy drawn
history-seal-issued = digital seal issued
history-envelope = put in the envelope
history-dispatch = handed to the post
history-hub-state = changed at the hub
history-hub-payment = payment notice from the hub
history-conflict = the hub refused a change (conflict)
history-conflict-settled = conflict settled
history-refused = refused: { $action }
history-other = another log entry
gui-stamp-ticked = Stamp the ticked ({ $count })
gui-stamp-ticked-keys = Alt+Shift+1…9 ticks a request, Alt+A ticks all, Alt+S goes to the PIN, Enter stamps the ticked.
gui-done-stamped-several = { PLURAL($count) ->
        [zero] No request stamped.
        [one] 1 request stamped.
       *[other] { $count } requests stamped.
    }
gui-stamped-refused = { PLURAL($count) ->
        [one] 1 refused: { $why }
       *[other] { $count } refused, the first: { $why }
    }
gui-worklist-page = Page { $page } of { $pages } · waiting: { $total }
gui-page-previous = Previous (Page Up)
gui-page-next = Next (Page Down)
gui-preview-label = The envelope's label as it will print; nothing was recorded.
gui-preview-label-button = Preview the label
gui-envelope-paper = Into the envelope, its label on { $printer }
gui-done-label-paper = In its envelope; its label went to printer { $printer } (job { $job }, { $state }).
gui-choose-file = Choose a file…
gui-chooser-close = Close
gui-chooser-up = Up one folder
gui-chooser-empty = No pictures or PDFs in this folder.
gui-chooser-cut = The folder holds more than is listed; type the file's path in the field.
io-not-found = no such file or folder
io-permission-denied = permission denied
io-already-exists = a file of that name exists
io-connection = the connection was refused or cut
io-timed-out = timed out
io-invalid-data = its content is not valid
io-other = a file system error
