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
action-authorise-reprint = authorise a reprint
action-envelope = put in an envelope
action-dispatch = dispatch to the post
action-manage-users = manage users
action-manage-keys = manage keys
action-manage-settings = change settings
action-backup = back up the store
action-restore = restore the store

## Errors
err-national-id-empty = The national ID is empty. Type its 11 digits.
err-national-id-char = The national ID contains "{ $char }" (character { $position }). Only digits are allowed.
err-national-id-length = The national ID has { $count } digits; it must have exactly 11.
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
err-wrong-pin = Wrong PIN. { $left } attempts left before the account is locked.
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
err-data = Invalid built-in data: { $detail }

## Prompts
prompt-pin = PIN
prompt-new-pin = New PIN (at least 6 digits)

## Results
done-initialised = Desk store created at { $path } for center { $center }, desk { $desk }. Admin: { $admin }.
done-demo = Demo store created at { $path }: { $count } requests, center { $center }, desk { $desk }.
demo-users = Demo users (demo only, PIN { $pin }):
done-user-added = User { $user } added as { $role }.
done-pin-reset = New PIN set for { $user }; the account is unlocked.
done-user-unlocked = { $user } is unlocked.
done-user-deactivated = { $user } is deactivated.
done-backup = Backup written and checked: { $path }
done-restored = Store restored (center { $center }, desk { $desk }). The replaced store was kept at: { $kept }
done-state = { $tracking } is now { $state } ({ $applied }/{ $required } stamps).
audit-intact = Audit log intact: { $rows } entries, head { $head }.
audit-broken = Audit log BROKEN at entry { $seq }: { $reason }.

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
label-stamps-required = { $count } stamps
label-reason = Reason
label-store = Store
label-center-desk = Center / desk
label-outbox-pending = Waiting to sync
label-inactive = deactivated
label-locked-until = locked until { $until }
class-fast = fast (24 h)
class-slow = slow ({ $days } working days)

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
seal-expired = The document expired on { $date }.
seal-not-yet-valid = The document is dated in the future ({ $date }); check this device's clock.
seal-warn-trust-old = The trust list is { $days } days old: import a current one.
seal-warn-demo = Signed with a DEMO key ({ $owner }): not an official document.
label-issuer = Issuing center
label-issued = Issued
label-expires = Valid until
label-trust-root = Trust list root
label-until = until
label-from = from
label-revoked = REVOKED
done-seal-made = Seal written to { $path } (QR version { $version }, { $chars } characters).
done-key-revoked = Key { $kid } revoked.
done-trust-imported = Trust list from root { $root } imported: { $added } keys added, { $updated } updated.
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
done-printed = { $tracking }: { $mark } written to { $path }.
err-nothing-to-dispatch = There are no envelopes waiting to be handed to the post.
done-dispatched = Batch { $batch }: { $count } envelopes handed to the post; manifest written to { $path }.
err-paper-no-cups = Paper printing needs CUPS, which is not installed on this computer. Save the document as PDF instead.
err-paper-scheduler-down = The printing service (CUPS) is not running. Ask IT to start it, or save the document as PDF.
err-paper-unknown-printer = There is no printer named { $printer }. Run "citizen-desk printers" to see the printers.
err-paper-paused = The printer { $printer } is paused. Resume it, or choose another printer.
err-paper-failed = Printing failed: { $detail }
err-no-printer-chosen = No printer chosen: give --printer NAME, or choose one with "citizen-desk printers --use NAME".
done-printer-chosen = Printer { $printer } will be used by this desk.
done-printed-paper = { $tracking }: { $mark } sent to { $printer } as job { $job } ({ $state }).

# Sync with the hub
err-sync-not-enrolled = This desk is not enrolled with a hub. An admin runs "citizen-desk enroll --hub URL --code CODE" with the code from the hub's operator.
err-sync-unreachable = The hub ({ $url }) cannot be reached; work continues offline and everything is queued. ({ $detail })
err-sync-refused = The hub refused the request ({ $status } { $code }): { $detail }
err-sync-bad-answer = The hub's answer was not understood; nothing was lost, it will be tried again. ({ $detail })
err-sync-demo-store = A demo store cannot enrol with a hub: its requests are invented. Create a real store with "citizen-desk init".
err-sync-center-mismatch = The enrolment code is for center { $hub }, but this desk belongs to { $desk }. Nothing was changed.
err-no-conflict = There is no open conflict number { $id }.
done-enrolled = This desk is enrolled with the hub { $hub } (center { $center }, desk number { $id }). Run "citizen-desk sync" to start syncing.
done-synced = Synced: { $applied } changes applied at the hub, { $duplicate } already there, { $rejected } refused (see "citizen-desk conflicts"); { $new } new requests, { $updated } updated. Still queued: { $queued }.
sync-retry = Sync failed; trying again in { $seconds } s. { $detail }
outbox-status = Hub: { $hub }. Queued: { $queued }. Synced: { $synced }. Refused: { $rejected }. Open conflicts: { $conflicts }.
outbox-last = State: { $online }. Last success: { $success }. Last error: { $error }
label-never = never
label-not-enrolled = not enrolled
label-online = online
label-offline = offline
conflicts-none = No open conflicts.
conflict-line = #{ $id } { $tracking }: desk says { $desk }, hub says { $hub }. { $reason }
done-conflict-settled = Conflict #{ $id } settled; the request now has the hub's state ({ $state }).
err-hub = Hub: { $detail }
