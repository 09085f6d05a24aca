# citizen-desk: النصوص العربية (اللغة الأولى). كل معرّف هنا موجود في en.ftl أيضاً.

## حالات الطلب
state-received = وارد
state-verified = مُدقَّق
state-approved = مُصادَق
state-printed = مطبوع
state-enveloped = في المغلف
state-dispatched = مُسلَّم للبريد
state-rejected = مرفوض
state-cancelled = ملغى
state-delivered = سُلِّم للمواطن
state-returned = مُعاد من البريد

## الأدوار
role-clerk = موظف الواجهة
role-supervisor = مشرف
role-admin = مدير النظام

## الإجراءات
action-lookup = البحث في الطلبات
action-verify = تدقيق الطلب
action-stamp = المصادقة بالختم
action-reject = رفض الطلب
action-cancel = إلغاء الطلب
action-print = الطباعة
action-authorise-reprint = الإذن بإعادة الطباعة
action-envelope = وضع الوثيقة في المغلف
action-dispatch = التسليم للبريد
action-manage-users = إدارة المستخدمين
action-manage-keys = إدارة المفاتيح
action-manage-settings = تعديل الإعدادات
action-backup = النسخ الاحتياطي
action-restore = الاستعادة من نسخة احتياطية

## الأخطاء
err-national-id-empty = الرقم الوطني فارغ. اكتب أرقامه الأحد عشر.
err-national-id-char = الرقم الوطني يحتوي على «{ $char }» (المحرف رقم { $position }). يُسمح بالأرقام فقط.
err-national-id-length = الرقم الوطني المُدخل من { $count } أرقام، ويجب أن يكون ١١ رقماً تماماً.
err-request-not-found = لا يوجد طلب يطابق «{ $reference }». تحقق من رقم الطلب أو رمز التتبع.
err-request-ref-empty = أدخل رقم الطلب أو رمز التتبع.
err-no-requests-for-person = لا توجد طلبات للرقم الوطني { $id }.
err-user-not-found = لا يوجد مستخدم باسم «{ $user }».
err-user-exists = يوجد مستخدم باسم «{ $user }» مسبقاً.
err-bad-user-name = اسم المستخدم من ١ إلى ٣٢ حرفاً لاتينياً أو رقماً أو «.» أو «_» أو «-».
err-user-required = حدّد المستخدم المنفّذ بالخيار ‎--user NAME‎.
err-forbidden = غير مسموح: لا يحق لدور «{ $role }» { $action }.
err-two-person-rule = قاعدة الشخصين: المشرف الذي دقّق هذا الطلب لا يمكنه ختمه أيضاً. يجب أن يختمه مشرف آخر.
err-already-stamped = المشرف { $user } ختم هذا الطلب مسبقاً.
err-unpaid = لم يُسدَّد رسم هذا الطلب بعد، ولا يمكن طباعته.
err-invalid-transition = لا يمكن { $action } لطلب حالته «{ $state }».
err-reason-required = يجب ذكر السبب.
err-wrong-pin = الرمز السري غير صحيح. بقي { $left } محاولات قبل قفل الحساب.
err-locked = الحساب مقفل بعد محاولات خاطئة متكررة. حاول مجدداً بعد الساعة { $until } بتوقيت دمشق، أو اطلب من مدير النظام فتحه.
err-user-inactive = الحساب «{ $user }» معطّل (أو تغيّر منذ تسجيل الدخول).
err-weak-pin = الرمز السري ستة أرقام على الأقل، وأرقام فقط.
err-last-admin = لا يمكن تعطيل آخر مدير نظام فعّال.
err-no-pin = لم يُدخل الرمز السري (عيّن CITIZEN_DESK_PIN أو اكتبه في الدخل القياسي).
err-bad-role = دور غير معروف «{ $role }»: استخدم clerk أو supervisor أو admin.
err-bad-state = حالة غير معروفة «{ $state }»: استخدم received أو verified أو approved أو printed أو enveloped أو dispatched أو rejected أو cancelled.
err-bad-code = رمز المركز ورمز المكتب من ١ إلى ١٢ حرفاً لاتينياً كبيراً أو رقماً.
err-demo-too-many = الحد الأعلى لطلبات العرض التجريبي ٥٠٬٠٠٠٬٠٠٠ طلب.
err-not-initialised = لا توجد قاعدة بيانات للمكتب في { $path }. نفّذ أولاً «citizen-desk init» (أو «citizen-desk demo»).
err-already-initialised = توجد قاعدة بيانات للمكتب في { $path } مسبقاً، ولم تُمَس.
err-newer-schema = الملف { $path } كُتب بإصدار أحدث من البرنامج (المخطط { $found }، وهذا الإصدار يعرف حتى { $supported }). حدّث البرنامج؛ لم يُغيَّر الملف.
err-corrupt = ملف قاعدة البيانات { $path } تالف أو ليس من ملفات البرنامج ({ $detail }). لم يُغيَّر الملف. استعد آخر نسخة احتياطية.
err-disk-full = القرص ممتلئ، ولم يُحفظ شيء من هذا الإجراء. أفرغ بعض المساحة وحاول مجدداً. ({ $detail })
err-busy = قاعدة البيانات مشغولة ببرنامج آخر؛ حاول بعد لحظات. ({ $detail })
err-storage = خطأ في التخزين: { $detail }
err-io = تعذّر استخدام { $path }: { $detail }
err-data = بيانات مدمجة غير صالحة: { $detail }

## المطالبات
prompt-pin = الرمز السري
prompt-new-pin = الرمز السري الجديد (ستة أرقام على الأقل)

## النتائج
done-initialised = أُنشئت قاعدة بيانات المكتب في { $path } للمركز { $center }، المكتب { $desk }. مدير النظام: { $admin }.
done-demo = أُنشئت قاعدة بيانات تجريبية في { $path }: { $count } طلباً، المركز { $center }، المكتب { $desk }.
demo-users = مستخدمو العرض التجريبي (للتجربة فقط، الرمز السري { $pin }):
done-user-added = أُضيف المستخدم { $user } بدور { $role }.
done-pin-reset = عُيّن رمز سري جديد للمستخدم { $user } وفُتح حسابه.
done-user-unlocked = فُتح حساب { $user }.
done-user-deactivated = عُطّل حساب { $user }.
done-backup = كُتبت النسخة الاحتياطية وتم التحقق منها: { $path }
done-restored = استُعيدت قاعدة البيانات (المركز { $center }، المكتب { $desk }). حُفظت القاعدة المستبدلة في: { $kept }
done-state = الطلب { $tracking } أصبح «{ $state }» (الأختام { $applied } من { $required }).
audit-intact = سجل التدقيق سليم: { $rows } قيداً، آخر بصمة { $head }.
audit-broken = سجل التدقيق مكسور عند القيد { $seq }: { $reason }.

## التسميات
label-request-id = الطلب
label-tracking = رمز التتبع
label-state = الحالة
label-service = الخدمة
label-national-id = الرقم الوطني
label-name = الاسم
label-mother = اسم الأم
label-governorate = المحافظة
label-submitted = تاريخ التقديم
label-payment = الدفع
label-paid = مدفوع
label-unpaid = غير مدفوع
label-delivery = التسليم
label-due = موعد الإنجاز
label-overdue = متأخر
label-document-number = رقم الوثيقة
label-stamps = الأختام
label-stamps-required = { $count } أختام
label-reason = السبب
label-store = قاعدة البيانات
label-center-desk = المركز / المكتب
label-outbox-pending = بانتظار المزامنة
label-inactive = معطّل
label-locked-until = مقفل حتى { $until }
class-fast = سريعة (٢٤ ساعة)
class-slow = بطيئة ({ $days } أيام عمل)

## الختم
seal-valid = صالح
seal-invalid = غير صالح
seal-bad-prefix = هذا ليس ختماً صادراً عن مراكز خدمة المواطن (لا يبدأ بـ { $prefix }).
seal-bad-base45 = نص الختم تالف (Base45: { $detail }).
seal-bad-zlib = نص الختم تالف (الضغط: { $detail }).
seal-bad-cose = البنية الموقّعة للختم تالفة ({ $detail }).
seal-bad-payload = محتوى الختم غير مقروء ({ $detail }).
seal-unknown-service = الختم يذكر خدمة لا يعرفها هذا البرنامج ({ $service }).
seal-unknown-key = وُقّع الختم بمفتاح غير موجود في قائمة الثقة (المعرّف { $kid }).
seal-bad-signature = أحد التواقيع لا يطابق المحتوى: الختم أو الوثيقة معدّلان (المعرّف { $kid }).
seal-revoked-key = مفتاح { $owner } (المعرّف { $kid }) ملغى.
seal-key-not-valid = مفتاح { $owner } (المعرّف { $kid }) لم يكن سارياً عند التوقيع.
seal-wrong-signer = أحد التواقيع ليس ممن يدّعي ({ $detail }).
seal-no-center-signature = توقيع المركز المُصدِر غير موجود.
seal-missing-stamps = أختام المشرفين ناقصة: { $have } من { $need }.
seal-expired = انتهت صلاحية الوثيقة في { $date }.
seal-not-yet-valid = تاريخ الوثيقة في المستقبل ({ $date })؛ تحقّق من ساعة هذا الجهاز.
seal-warn-trust-old = عمر قائمة الثقة { $days } يوماً: استورد قائمة حديثة.
seal-warn-demo = موقّع بمفتاح تجريبي ({ $owner }): ليست وثيقة رسمية.
label-issuer = المركز المُصدِر
label-issued = تاريخ الإصدار
label-expires = صالحة حتى
label-trust-root = جذر قائمة الثقة
label-until = حتى
label-from = من
label-revoked = ملغى
done-seal-made = كُتب الختم في { $path } (رمز QR إصدار { $version }، { $chars } محرفاً).
done-key-revoked = أُلغي المفتاح { $kid }.
done-trust-imported = استوردت قائمة الثقة من الجذر { $root }: أضيف { $added } مفتاحاً وحُدّث { $updated }.
done-trust-exported = كُتبت قائمة الثقة الموقّعة في { $path }.
err-no-signing-key = لا يوجد لدى هذا المكتب مفتاح { $role } صالح للاستخدام.
err-no-seal-payload = لا يوجد لهذا الطلب محتوى ختم مجمّد (لم يُدقَّق قط).
err-stamp-unsigned = ختم { $user } بلا توقيع رقمي (وُضع قبل اعتماد الأختام الرقمية): اطلب من مشرف أن يختم مجدداً.
err-bad-public-key = المفتاح العام غير صالح (أدخله بصيغة Base64 لـ SubjectPublicKeyInfo DER أو PEM).
err-unknown-key = لا يوجد مفتاح بالمعرّف { $kid }.
err-trust-file = ملف قائمة الثقة غير صالح: { $detail }
err-untrusted-root = قائمة الثقة موقّعة بالجذر { $kid } الذي لا يثق به هذا المكتب. قارنه بالبصمة المنشورة، ثم أعد الاستيراد مع ‎--accept-root { $kid }‎.
err-no-trust-list = لا توجد قائمة ثقة هنا: أعطِ ‎--trust FILE‎ (قائمة صدّرها أحد المراكز).
err-seal-input = أعطِ نص الختم، أو ‎--image FILE‎، أو ‎--pdf FILE‎.
done-rendered = كُتبت الوثيقة في { $path } ({ $mark }).
err-reprint-needs-supervisor = طُبعت هذه الوثيقة سابقاً: طباعة نسخة عنها تحتاج إذن مشرف (‎--authorised-by NAME‎ مع رمزه السري).
done-printed = { $tracking }: كُتبت { $mark } في { $path }.
err-nothing-to-dispatch = لا توجد مغلفات بانتظار التسليم إلى البريد.
done-dispatched = الدفعة { $batch }: سُلّم { $count } مغلفاً إلى البريد؛ كُتب المحضر في { $path }.
err-paper-no-cups = الطباعة الورقية تحتاج خدمة الطباعة CUPS غير المثبّتة على هذا الحاسوب. احفظ الوثيقة بصيغة PDF بدلاً من ذلك.
err-paper-scheduler-down = خدمة الطباعة (CUPS) متوقفة. اطلب من الدعم الفني تشغيلها، أو احفظ الوثيقة بصيغة PDF.
err-paper-unknown-printer = لا توجد طابعة باسم { $printer }. نفّذ «citizen-desk printers» لعرض الطابعات.
err-paper-paused = الطابعة { $printer } موقوفة مؤقتاً. استأنف عملها أو اختر طابعة أخرى.
err-paper-failed = تعذّرت الطباعة: { $detail }
err-no-printer-chosen = لم تُختر طابعة: أعطِ ‎--printer NAME‎ أو اختر طابعة بالأمر «citizen-desk printers --use NAME».
done-printer-chosen = سيستخدم هذا المكتب الطابعة { $printer }.
done-printed-paper = { $tracking }: أُرسلت { $mark } إلى الطابعة { $printer } (المهمة { $job }، { $state }).

# المزامنة مع المركز الرئيسي
err-sync-not-enrolled = هذا المكتب غير مسجَّل لدى المخدّم المركزي. يسجّله المدير بالأمر "citizen-desk enroll --hub URL --code CODE" مع الرمز الذي يعطيه مشغّل المخدّم.
err-sync-unreachable = لا يمكن الوصول إلى المخدّم المركزي ({ $url })؛ يستمر العمل دون اتصال وكل شيء محفوظ في قائمة الانتظار. ({ $detail })
err-sync-refused = رفض المخدّم المركزي الطلب ({ $status } { $code }): { $detail }
err-sync-bad-answer = لم يُفهم جواب المخدّم المركزي؛ لم يضع شيء، وستُعاد المحاولة. ({ $detail })
err-sync-demo-store = لا يمكن تسجيل مخزن تجريبي لدى المخدّم المركزي: طلباته مُختلَقة. أنشئ مخزناً حقيقياً بالأمر "citizen-desk init".
err-sync-center-mismatch = رمز التسجيل خاص بالمركز { $hub }، لكن هذا المكتب تابع للمركز { $desk }. لم يُغيَّر شيء.
err-no-conflict = لا يوجد تعارض مفتوح برقم { $id }.
done-enrolled = سُجِّل هذا المكتب لدى المخدّم المركزي { $hub } (المركز { $center }، رقم المكتب { $id }). شغّل "citizen-desk sync" لبدء المزامنة.
done-synced = تمت المزامنة: طُبِّق { $applied } تغييراً في المخدّم المركزي، و{ $duplicate } كانت مطبَّقة من قبل، ورُفض { $rejected } (انظر "citizen-desk conflicts")؛ { $new } طلبات جديدة، و{ $updated } محدَّثة. ما زال في الانتظار: { $queued }.
sync-retry = فشلت المزامنة؛ ستُعاد المحاولة بعد { $seconds } ثانية. { $detail }
outbox-status = المخدّم المركزي: { $hub }. في الانتظار: { $queued }. مُزامَن: { $synced }. مرفوض: { $rejected }. تعارضات مفتوحة: { $conflicts }.
outbox-last = الحالة: { $online }. آخر نجاح: { $success }. آخر خطأ: { $error }
label-never = أبداً
label-not-enrolled = غير مسجَّل
label-online = متصل
label-offline = غير متصل
conflicts-none = لا توجد تعارضات مفتوحة.
conflict-line = #{ $id } { $tracking }: حالته في المكتب { $desk }، وفي المخدّم المركزي { $hub }. { $reason }
done-conflict-settled = سُوّي التعارض #{ $id }؛ أصبحت حالة الطلب كما في المخدّم المركزي ({ $state }).
err-hub = المخدّم المركزي: { $detail }
