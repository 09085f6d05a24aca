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
action-print-copy = طباعة نسخة
action-authorise-reprint = الإذن بإعادة الطباعة
action-envelope = وضع الوثيقة في المغلف
action-dispatch = التسليم للبريد
action-manage-users = إدارة المستخدمين
action-manage-keys = إدارة المفاتيح
action-manage-settings = تعديل الإعدادات
action-backup = النسخ الاحتياطي
action-restore = الاستعادة من نسخة احتياطية
action-read-audit = قراءة سجل التدقيق

## الأخطاء
err-national-id-empty = الرقم الوطني فارغ. اكتب أرقامه الأحد عشر.
err-national-id-char = الرقم الوطني يحتوي على «{ $char }» (المحرف رقم { $position }). يُسمح بالأرقام فقط.
err-national-id-length = الرقم الوطني المُدخل { PLURAL($count) ->
        [zero] فارغ
        [one] من رقم واحد
        [two] من رقمين
        [few] من { $count } أرقام
        [many] من { $count } رقماً
       *[other] من { $count } رقم
    }، ويجب أن يكون ١١ رقماً تماماً.
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
err-wrong-pin = الرمز السري غير صحيح. { PLURAL($left) ->
        [zero] لم تبقَ أي محاولة
        [one] بقيت محاولة واحدة
        [two] بقيت محاولتان
        [few] بقيت { $left } محاولات
        [many] بقيت { $left } محاولة
       *[other] بقيت { $left } محاولة
    } قبل قفل الحساب.
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
err-io = تعذّر استخدام { $path }: { $why }.
err-file-too-large = يتجاوز الملف { $path } الحدّ المسموح به، وهو { $limit } ميغابايت؛ لم يُقرأ.
err-emblem-format = ملف الشعار ليس صورة PNG أو JPEG؛ لم يُعتمد.
err-emblem-damaged = ملف الشعار تالف ولا يُقرأ كصورة؛ لم يُعتمد.
err-stored-emblem = تعذّرت قراءة الشعار المحفوظ في مخزن هذا المكتب. يعتمده المدير من جديد (citizen-desk deployment --emblem <ملف>) أو يزيله (--no-emblem)؛ وإلى ذلك الحين لا تُطبع الوثائق.
err-emblem-too-large = ملف الشعار أكبر من المسموح به (الحدّ { $limit } ميغابايت للملف و{ $side } بكسل لضلع الصورة)؛ لم يُعتمد.
err-verify-hint-empty = جملة التحقق فارغة أو فيها محارف تحكّم؛ اكتبها فقرةً واحدة.
err-verify-hint-too-long = جملة التحقق أطول من سطرين مطبوعين بجانب الختم أو من الحدّ الأقصى لعدد الحروف ({ $limit })؛ اختصرها.
gui-deployment-emblem = الشعار على الوثائق: صورة مقاسها { $width }×{ $height } بكسل، يضبطها مدير النظام.
deployment-emblem = الشعار: صورة مقاسها { $width }×{ $height } بكسل، بصمتها sha256:{ $sha256 }
deployment-no-emblem = الشعار: لا شعار؛ تُطبع الوثائق بلا شعار.
deployment-verify-hint = جملة التحقق: { $hint }
deployment-default-verify-hint = جملة التحقق: الجملة العامة من قوالب الوثائق.
err-outbox-row = لا يُقرأ السطر { $seq } من صندوق الصادر كتغيير صالح (الملف تالف أو عُدِّل يدوياً)، فتوقفت المزامنة عنده.
err-data = بيانات مدمجة غير صالحة: { $detail }

## المطالبات
prompt-pin = الرمز السري
prompt-new-pin = الرمز السري الجديد (ستة أرقام على الأقل)

## النتائج
done-initialised = أُنشئت قاعدة بيانات المكتب في { $path } للمركز { $center }، المكتب { $desk }. مدير النظام: { $admin }.
done-demo = أُنشئت قاعدة بيانات تجريبية في { $path }: { PLURAL($count) ->
        [zero] بلا طلبات
        [one] طلب واحد
        [two] طلبان
        [few] { $count } طلبات
        [many] { $count } طلباً
       *[other] { $count } طلب
    }، المركز { $center }، المكتب { $desk }.
demo-users = مستخدمو العرض التجريبي (للتجربة فقط، الرمز السري { $pin }):
done-user-added = أُضيف المستخدم { $user } بدور { $role }.
done-pin-reset = عُيّن رمز سري جديد للمستخدم { $user } وفُتح حسابه.
done-user-unlocked = فُتح حساب { $user }.
done-user-deactivated = عُطّل حساب { $user }.
done-backup = كُتبت النسخة الاحتياطية وتم التحقق منها: { $path }
err-backup-no-key = لا مفتاح نسخ احتياطي لهذا المكتب بعد، فلم يُكتب شيء: ينشئه المدير بالأمر "citizen-desk backup-key new" (يُطبع مرة واحدة: احفظه على ورق بعيدًا عن المكتب).
err-backup-needs-key = هذه النسخة الاحتياطية مشفّرة: أعطِ مفتاح استعادتها (‎--key-file‎ مع ملفه، أو اكتبه عند السؤال). لم يتغيّر المخزن الحالي.
err-backup-wrong-key = مفتاح الاستعادة هذا لا يفتح هذه النسخة الاحتياطية: صُنعت لمفتاح آخر. لم يتغيّر المخزن الحالي.
err-backup-damaged = النسخة الاحتياطية { $path } تالفة أو ناقصة ({ $detail })؛ لم يُستعَد شيء ولم يتغيّر المخزن الحالي.
err-backup-bad-key = هذا ليس مفتاح استعادة: يبدأ مفتاح الاستعادة بـ AGE-SECRET-KEY-1. لم يتغيّر المخزن الحالي.
err-backup-bad-recipient = «{ $text }» ليس مستلِمًا للنسخ الاحتياطية: يبدأ المستلِم بـ age1.
err-backup-key-exists = لهذا المخزن مفتاح استعادة من قبل؛ ينشئ المدير مفتاحًا جديدًا بالأمر "citizen-desk backup-key new".
prompt-recovery-key = مفتاح الاستعادة
done-recovery-key = مفتاح استعادة النسخ الاحتياطية لهذا المكتب، يظهر هذه المرة فقط. اكتبه واحفظه بعيدًا عن المكتب: من دونه لا تُستعاد أي نسخة، ومن يحمله يقرؤها.
done-backup-recipient = تُشفَّر النسخ الاحتياطية لـ { $recipient } أيضًا، بدءًا من النسخة التالية.
backup-no-recipients = لا مفتاح نسخ احتياطي بعد: ينشئه الأمر "citizen-desk backup-key new".
done-restored-plain = كانت هذه النسخة الاحتياطية ملفًا غير مشفّر من قبل تشفير النسخ: احذفها بعد صنع نسخة جديدة مشفّرة.
done-restored-enrol-again = النسخ الاحتياطية لا تحمل رمز المخدّم المركزي: يسجّل المدير هذا المكتب من جديد (citizen-desk enroll) برمز جديد من مشغّل المخدّم، بعد أن يلغي تسجيل المكتب القديم (hub desks، hub revoke). حتى ذلك الحين يُحفظ كل شيء في قائمة الانتظار.
done-restored = استُعيدت قاعدة البيانات (المركز { $center }، المكتب { $desk }). حُفظت القاعدة المستبدلة في: { $kept }
done-state = الطلب { $tracking } أصبح «{ $state }» (الأختام { $applied } من { $required }).
audit-intact = سجل التدقيق سليم: { PLURAL($rows) ->
        [zero] بلا قيود
        [one] قيد واحد
        [two] قيدان
        [few] { $rows } قيود
        [many] { $rows } قيداً
       *[other] { $rows } قيد
    }، آخر بصمة { $head }.
audit-broken = سجل التدقيق مكسور عند القيد { $seq }: { $reason }.
audit-unguarded = سجل التدقيق غير محميّ: قوادح منع التعديل فيه محذوفة أو مبدّلة ({ $triggers })؛ ربما أُعيدت كتابة قيوده مع إعادة حساب بصماتها. قارنه بمرساة المخدّم المركزي (hub status) واستعد المخزن من نسخة احتياطية.

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
label-stamp = ختم
label-next-steps = الخطوات المتاحة
label-nothing-to-do = لا شيء بعد الآن
label-fee = { $fee } ل.س
channel-app = تطبيق «معاملاتي»
channel-web = الموقع الإلكتروني
label-default-printer = (الافتراضية)
label-stamps-required = { PLURAL($count) ->
        [zero] بلا أختام
        [one] ختم واحد
        [two] ختمان
        [few] { $count } أختام
        [many] { $count } ختماً
       *[other] { $count } ختم
    }
label-reason = السبب
label-store = قاعدة البيانات
label-center-desk = المركز / المكتب
label-outbox-pending = بانتظار المزامنة
label-inactive = معطّل
label-locked-until = مقفل حتى { $until }
class-fast = سريعة (٢٤ ساعة)
class-slow = بطيئة ({ PLURAL($days) ->
        [zero] دون أيام عمل
        [one] يوم عمل واحد
        [two] يوما عمل
        [few] { $days } أيام عمل
        [many] { $days } يوم عمل
       *[other] { $days } يوم عمل
    })

## الختم
seal-valid = صالح
seal-invalid = غير صالح
seal-bad-prefix = هذا ليس ختماً صادراً عن مراكز خدمة المواطن (لا يبدأ بـ { $prefix }).
seal-bad-base45 = نص الختم تالف: رموزه ليست كما يكتبها البرنامج.
seal-bad-zlib = نص الختم تالف: لا يُفكّ ضغط محتواه.
seal-bad-cose = البنية الموقّعة للختم تالفة.
seal-bad-payload = محتوى الختم غير مقروء.
seal-unknown-service = الختم يذكر خدمة لا يعرفها هذا البرنامج ({ $service }).
seal-unknown-key = وُقّع الختم بمفتاح غير موجود في قائمة الثقة (المعرّف { $kid }).
seal-bad-signature = أحد التواقيع لا يطابق المحتوى: الختم أو الوثيقة معدّلان (المعرّف { $kid }).
seal-revoked-key = مفتاح { $owner } (المعرّف { $kid }) ملغى.
seal-key-not-valid = مفتاح { $owner } (المعرّف { $kid }) لم يكن سارياً عند التوقيع.
seal-wrong-signer = أحد التواقيع ليس ممن يدّعي ({ $detail }).
seal-no-center-signature = توقيع المركز المُصدِر غير موجود.
seal-missing-stamps = أختام المشرفين ناقصة: { $have } من { $need }.
seal-copy = نسخة رقم { $number }، أذن بها { $name }.
seal-copy-not-authorised = الختم موسوم نسخةً دون إذن مشرف بهذه النسخة، أو يحمل إذناً لم يوقّعه المركز: ختم مزوّر.
seal-expired = انتهت صلاحية الوثيقة في { $date }.
seal-not-yet-valid = تاريخ الوثيقة في المستقبل ({ $date })؛ تحقّق من ساعة هذا الجهاز.
seal-warn-trust-old = عمر قائمة الثقة { PLURAL($days) ->
        [zero] أقل من يوم
        [one] يوم واحد
        [two] يومان
        [few] { $days } أيام
        [many] { $days } يوماً
       *[other] { $days } يوم
    }: استورد قائمة حديثة.
seal-warn-demo = موقّع بمفتاح تجريبي ({ $owner }): ليست وثيقة رسمية.
label-issuer = المركز المُصدِر
label-issued = تاريخ الإصدار
label-expires = صالحة حتى
label-trust-root = جذر قائمة الثقة
label-until = حتى
label-from = من
label-revoked = ملغى
done-seal-made = كُتب الختم في { $path } (رمز الاستجابة السريعة من الإصدار { $version }، { PLURAL($chars) ->
        [zero] بلا محارف
        [one] محرف واحد
        [two] محرفان
        [few] { $chars } محارف
        [many] { $chars } محرفاً
       *[other] { $chars } محرف
    }).
done-key-revoked = أُلغي المفتاح { $kid }.
done-trust-imported = استوردت قائمة الثقة من الجذر { $root }: { PLURAL($added) ->
        [zero] لم يُضف أي مفتاح
        [one] أضيف مفتاح واحد
        [two] أضيف مفتاحان
        [few] أضيفت { $added } مفاتيح
        [many] أضيف { $added } مفتاحاً
       *[other] أضيف { $added } مفتاح
    }، و{ PLURAL($updated) ->
        [zero] لم يُحدَّث أي مفتاح
        [one] حُدِّث مفتاح واحد
        [two] حُدِّث مفتاحان
        [few] حُدِّثت { $updated } مفاتيح
        [many] حُدِّث { $updated } مفتاحاً
       *[other] حُدِّث { $updated } مفتاح
    }.
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
err-copy-before-original = لم تُطبع النسخة الأصلية بعد: اطبعها أولاً دون إذن بنسخة؛ النسخ تُطبع بعد الأصل.
done-printed = { $tracking }: كُتبت { $mark } في { $path }.
err-nothing-to-dispatch = لا توجد مغلفات أعدّها هذا المكتب بانتظار التسليم إلى البريد (مغلفات المكاتب الأخرى تُسلَّم منها).
err-barcode = لا يُرسم رمز التتبع { $code } رمزاً شريطياً: فيه محرف لا يحمله الرمز Code 128 (حروف وأرقام لاتينية فقط).
done-dispatched = الدفعة { $batch }: { PLURAL($count) ->
        [zero] لم يُسلَّم أي مغلف
        [one] سُلِّم مغلف واحد
        [two] سُلِّم مغلفان
        [few] سُلِّمت { $count } مغلفات
        [many] سُلِّم { $count } مغلفاً
       *[other] سُلِّم { $count } مغلف
    } إلى البريد؛ كُتب المحضر في { $path }.
err-paper-no-cups = الطباعة الورقية تحتاج خدمة الطباعة CUPS غير المثبّتة على هذا الحاسوب. احفظ الوثيقة بصيغة PDF بدلاً من ذلك.
err-paper-scheduler-down = خدمة الطباعة (CUPS) متوقفة. اطلب من الدعم الفني تشغيلها، أو احفظ الوثيقة بصيغة PDF.
err-paper-unknown-printer = لا توجد طابعة باسم { $printer }. نفّذ «citizen-desk printers» لعرض الطابعات.
err-paper-paused = الطابعة { $printer } موقوفة مؤقتاً. استأنف عملها أو اختر طابعة أخرى.
err-paper-failed = تعذّرت الطباعة: { $detail }
err-no-printer-chosen = لم تُختر طابعة: أعطِ ‎--printer NAME‎ أو اختر طابعة بالأمر «citizen-desk printers --use NAME».
done-printer-chosen = سيستخدم هذا المكتب الطابعة { $printer }.
done-printed-paper = { $tracking }: أُرسلت { $mark } إلى الطابعة { $printer } (المهمة { $job }، { $state }).
mark-draft = مسودة
mark-original = النسخة الأصلية المختومة
mark-copy = نسخة
job-pending = في الانتظار
job-held = معلّقة
job-processing = قيد الطباعة
job-stopped = متوقفة
job-canceled = أُلغيت
job-aborted = توقفت بخطأ ولم تُطبع
job-completed = اكتملت
job-ended = خرجت من الطابور
job-unknown = حالتها غير معروفة

# المزامنة مع المركز الرئيسي
err-sync-not-enrolled = هذا المكتب غير مسجَّل لدى المخدّم المركزي. يسجّله المدير بالأمر "citizen-desk enroll --hub URL --code CODE" مع الرمز الذي يعطيه مشغّل المخدّم.
err-sync-unreachable = لا يمكن الوصول إلى المخدّم المركزي ({ $url })؛ يستمر العمل دون اتصال وكل شيء محفوظ في قائمة الانتظار.
err-sync-refused = رفض المخدّم المركزي الطلب ({ $status } { $code }): { $detail }
err-sync-bad-answer = لم يُفهم جواب المخدّم المركزي؛ لم يضع شيء، وستُعاد المحاولة. ({ $detail })
err-bad-fingerprint = هذه ليست بصمة: البصمة هي «sha256:» يليها 64 رمزاً ست عشرياً، كما يطبعها الأمر «citizen-desk hub tls fingerprint».
err-sync-bad-url = «{ $url }» ليس عنوان مخدّم مركزي. اكتبه بالشكل https://المضيف:المنفذ (أو http://127.0.0.1:المنفذ لمخدّم على هذا الجهاز).
err-sync-plain-http = لا يُسمح بالاتصال غير المشفّر (http://) إلا بمخدّم على هذا الجهاز؛ عبر الشبكة استعمل https:// مع بصمة المخدّم ({ $url }). لم يُرسَل شيء.
err-sync-no-trust = للوصول إلى { $url } باتصال مشفّر يجب أن يعرف المكتب المخدّمَ: أعطِ ‎--fingerprint‎ مع البصمة التي أملاها عليك مشغّل المخدّم، أو ‎--ca‎ مع شهادة الجهة المصدّقة في الوزارة. لم يُرسَل شيء.
err-sync-bad-trust = لا يمكن استعمال شهادة الجهة المصدّقة للمخدّم: { $detail }
err-sync-wrong-key = تنبيه أمني: المخدّم في { $url } لم يقدّم مفتاح المخدّم المركزي المعروف لهذا المكتب. المثبَّت: { $expected }؛ المقدَّم: { $seen }. قد يكون هناك من يعترض الاتصال؛ لم يُرسَل شيء وبقي كل شيء في قائمة الانتظار. اتصل بمشغّل المخدّم.
err-sync-untrusted = شهادة { $url } غير موثوقة لدى الجهة المصدّقة المعطاة لهذا المكتب ({ $detail }). لم يُرسَل شيء، وبقي كل شيء في قائمة الانتظار.
err-sync-demo-store = لا يمكن تسجيل مخزن تجريبي لدى المخدّم المركزي: طلباته مُختلَقة. أنشئ مخزناً حقيقياً بالأمر "citizen-desk init".
err-sync-center-mismatch = رمز التسجيل خاص بالمركز { $hub }، لكن هذا المكتب تابع للمركز { $desk }. لم يُغيَّر شيء.
err-no-conflict = لا يوجد تعارض مفتوح برقم { $id }.
done-enrolled = سُجِّل هذا المكتب لدى المخدّم المركزي { $hub } (المركز { $center }، رقم المكتب { $id }). شغّل "citizen-desk sync" لبدء المزامنة.
done-synced = تمت المزامنة. في المخدّم المركزي: مطبَّق { $applied }، ومطبَّق من قبل { $duplicate }، ومرفوض { $rejected } (انظر «citizen-desk conflicts»). من المخدّم المركزي: جديد { $new }، ومحدَّث { $updated }. ما زال في الانتظار: { $queued }.
sync-retry = فشلت المزامنة؛ ستُعاد المحاولة { PLURAL($seconds) ->
        [zero] الآن
        [one] بعد ثانية واحدة
        [two] بعد ثانيتين
        [few] بعد { $seconds } ثوانٍ
        [many] بعد { $seconds } ثانية
       *[other] بعد { $seconds } ثانية
    }. { $detail }
outbox-status = المخدّم المركزي: { $hub }. في الانتظار: { $queued }. مُزامَن: { $synced }. مرفوض: { $rejected }. تعارضات مفتوحة: { $conflicts }.
outbox-last = الحالة: { $online }. آخر نجاح: { $success }. آخر خطأ: { $error }
label-never = أبداً
label-not-enrolled = غير مسجَّل
label-online = متصل
label-offline = غير متصل
label-desk-key = مفتاح المكتب (يعمّي مفتاحي المركز والجذر؛ لا يكون أبدًا في مجلد البيانات ولا في النسخ الاحتياطية)
desk-key-in-credential-store = مخزن الاعتمادات في نظام التشغيل ({ $entry })
conflicts-none = لا توجد تعارضات مفتوحة.
conflict-line = #{ $id } { $tracking }: حالته في المكتب { $desk }، وفي المخدّم المركزي { $hub }. { $reason }
change-handover-batch = دفعة تسليم للبريد
hub-reason-no-request = لا يحمل المخدّم المركزي الطلب { $request } للمركز { $center }
hub-reason-copy = نسخة عن طلب حالته { $state }
hub-reason-copy-self = { $actor } طبع هذه النسخة فلا يجوز أن يأذن بها أيضاً
hub-reason-copy-authoriser = ختم النسخة يحمل إذن { $seal } لا إذن { $said } كما يقول المكتب
hub-reason-stale = تغيير قديم: رأى المكتب الحالة { $from } والمخدّم المركزي يحمل { $state }
hub-reason-illegal = الإجراء «{ $action }» لا ينقل الطلب من { $from } إلى { $to }
hub-reason-role = الدور «{ $role }» لا يملك صلاحية «{ $action }»
hub-reason-batch-foreign = دفعة التسليم { $batch } ليست لهذا المكتب (دفعاته تبدأ بـ { $prefix })
hub-reason-batch-taken = دفعة التسليم { $batch } سجّلها مكتب آخر
hub-reason-time = تاريخ الخطوة { $at } يسبق تقديم الطلب أو يتقدّم على ساعة المخدّم المركزي
hub-reason-two-person = { $actor } دقّق هذا الطلب فلا يجوز أن يختمه أيضاً (قاعدة الشخصين)
hub-reason-stamped-twice = { $actor } ختم هذا الطلب من قبل
hub-reason-unpaid = الطلب غير مدفوع في سجل المخدّم المركزي: لا يمكن طباعته
hub-reason-number-taken = رقم الوثيقة { $number } لطلب آخر في هذا المركز
hub-reason-unreadable = لم يستطع المخدّم المركزي قراءة هذا التغيير (من إصدار أحدث للمكتب، أو سطر تالف)؛ لم يُطبَّق.
hub-reason-seal-missing = الطباعة بلا ختم: لا يسجّل المخدّم المركزي نسخة أصلية إلا بختم يستطيع التحقق منه
hub-reason-seal-digest = الختم المرسل مع الطباعة ليس الختم الذي سجّل المكتب بصمته
hub-reason-seal-no-trust = لا يحمل المخدّم المركزي قائمة ثقة من هذا المكتب ليتحقق بها من الختم (المكتب المسجّل قبل هذا الإصدار يرسلها مع طباعته التالية)
hub-reason-seal-invalid = الختم المرسل مع الطباعة لا يصحّ: { $why }
seal-backing-number = الختم للوثيقة { $seal } لا لوثيقة هذا الطلب { $number }
seal-backing-content = الرقم الوطني أو الخدمة أو بصمة المحتوى في الختم ليست لهذا الطلب
seal-backing-verifier = { $actor } دقّق هذا الطلب، والختم يحمل ختمه أيضاً (قاعدة الشخصين)
seal-backing-unrecorded = يحمل الختم ختم { $actor } وليس في سجل هذا الطلب
seal-backing-stamps = يحمل الختم { $have } من الأختام المطلوبة لهذا الطلب وعددها { $need }
done-conflict-settled = سُوّي التعارض #{ $id }؛ أصبحت حالة الطلب كما في المخدّم المركزي ({ $state }).
err-hub = المخدّم المركزي: { $detail }

# تطبيق المكتب
gui-title = citizen-desk — مكتب مركز خدمة المواطن
gui-switch-language = English
gui-window-failed = تعذّر فتح نافذة المكتب: { $detail }
gui-no-display = لا توجد شاشة لفتح نافذة المكتب عليها (لا DISPLAY ولا WAYLAND_DISPLAY). شغّله على شاشة المكتب، أو استخدم سطر الأوامر (citizen-desk --help).
gui-first-run = لا يوجد مخزن للمكتب هنا بعد.
gui-open-demo = افتح مركزاً تجريبياً (2000 طلب)
gui-or-set-up = أو جهّز هذا المكتب لمركز حقيقي:
gui-center-code = رمز المركز (مثل TRT01)
gui-desk-code = رمز المكتب (مثل D01)
gui-admin-name = اسم المستخدم لأول مدير
gui-new-pin = الرقم السري للمدير (6 أرقام على الأقل)
gui-create-store = أنشئ مخزن المكتب
gui-store-created = أُنشئ مخزن المكتب. سجّل الدخول بصفة المدير لإضافة الموظفين.
gui-sign-in-title = تسجيل الدخول
gui-user = اسم المستخدم
gui-pin = الرقم السري
gui-sign-in = دخول
gui-sign-out = خروج
gui-demo-users = المستخدمون التجريبيون (الرقم السري { $pin }):
gui-locked-idle = سُجّل الخروج بعد 5 دقائق دون استخدام.
gui-busy-stamping = جارٍ فتح مفتاح الختم والختم…
gui-busy-creating = جارٍ إعداد المركز (إنشاء مفاتيحه)…
gui-busy-demo = جارٍ إنشاء المركز التجريبي…
gui-busy-signing-in = جارٍ التحقق من الرمز السري…
gui-busy-printing = جارٍ الختم وكتابة ملف PDF…
gui-busy-preview = جارٍ رسم الصفحات…
gui-busy-envelope = جارٍ كتابة ملصق الظرف…
gui-busy-paper = جارٍ إرسال الوثيقة إلى الطابعة…
gui-busy-dispatching = جارٍ كتابة بيان التسليم…
gui-busy-reading-seal = جارٍ قراءة الملف…
gui-busy-settling = جارٍ التحقق من رمز المشرف والتسوية…
gui-busy-backup = جارٍ كتابة النسخة الاحتياطية المشفرة…
gui-busy-finding-printers = جارٍ سؤال نظام الطباعة عن طابعاته…
gui-busy-checking-printer = جارٍ التحقق من الطابعة لدى نظام الطباعة…
gui-busy-saving-pin = جارٍ حفظ الرمز السري (تجزئته)…
gui-busy-verifying = جارٍ تسجيل التدقيق…
gui-busy-rejecting = جارٍ تسجيل الرفض وسببه…
gui-busy-cancelling = جارٍ تسجيل الإلغاء وسببه…
gui-idle-warning = سيُسجَّل خروجك بعد ٣٠ ثانية لعدم الاستعمال: اضغط أي مفتاح أو انقر للبقاء. ما كتبته محفوظ لك.
gui-nav-lookup = البحث
gui-nav-outbox = صندوق الإرسال
gui-nav-verify = التحقق من ختم
gui-lookup-title = ابحث عن طلب بالرقم الوطني أو برمز التتبع
gui-lookup-placeholder = الرقم الوطني (11 رقماً) أو رمز التتبع
gui-search = بحث
gui-no-results = لم يُعثر على شيء.
gui-today = اليوم، { $date }، حسب الخدمة
gui-due = موعد الإنجاز
gui-status-bar = { $link } · بانتظار المزامنة: { $queued } · التعارضات: { $conflicts } · آخر مزامنة: { $last } · الطابعة: { $printer }
gui-status-standalone = غير مرتبط بمخدّم مركزي
gui-status-syncing = جارٍ التزامن…
gui-status-online = متصل
gui-status-offline = غير متصل (كل شيء محفوظ في قائمة الانتظار)
gui-status-never = لم تتم بعد
gui-status-no-printer = لم تُختر
gui-confirm = هل أنت متأكد؟
gui-confirm-yes = نعم، تابِع
gui-confirm-no = لا، تراجَع (Esc)
gui-confirm-dispatch = أتُسلَّم كل المغلفات المنتظرة إلى البريد دفعةً واحدة؟ عدد المغلفات: { $count }. لا يمكن التراجع عن ذلك.
gui-confirm-reject = أيُرفض الطلب { $tracking } بهذا السبب؟ لا يمكن التراجع عن ذلك.
gui-confirm-cancel = أيُلغى الطلب { $tracking } بهذا السبب؟ لا يمكن التراجع عن ذلك.
gui-confirm-deactivate = أيُوقف الحساب { $user }؟ لن يستطيع صاحبه تسجيل الدخول بعد ذلك.
gui-done-cancelled = أُلغي الطلب وسُجّل السبب.
gui-cancel-request = إلغاء الطلب
gui-reason-first = اكتب السبب أولًا: الرفض والإلغاء يحتاجان إليه.
gui-stamp-queue = بانتظار ختمك (الأقدم أولًا): { $count }
gui-payment = الدفع
gui-payment-paid = مدفوع، { $fee } ل.س عبر { $bank }
gui-payment-unpaid = غير مدفوع بعد (المستحق { $fee } ل.س)
gui-document-number = رقم الوثيقة
gui-stamps = الأختام
gui-stamps-of = { $done } من { $needed } ({ $by })
gui-reason-given = السبب
gui-request-keys = المفاتيح: Alt+1…4 بنود التحقق · Alt+V التدقيق · Alt+S الختم · Alt+P الطباعة · Alt+E المغلف · Alt+R السبب · Esc رجوع
gui-overdue = متأخر
gui-paid = مدفوع
gui-unpaid = غير مدفوع
gui-back = رجوع
gui-citizen = المواطن
gui-document = الوثيقة
gui-name = الاسم
gui-mother = اسم الأم
gui-national-id = الرقم الوطني
gui-phone = الهاتف
gui-delivery = التسليم
gui-checklist = قبل التدقيق، تأكّد من:
gui-check-identity = هوية الشخص مطابقة للطلب
gui-check-document = نوع الوثيقة هو المطلوب
gui-check-data = بيانات الوثيقة كاملة ومطابقة
gui-check-payment = الرسم مدفوع
gui-verify = تدقيق
gui-stamp-title = مصادقة المشرف بختمه (يكتب المشرف رقمه السري بنفسه)
gui-supervisor = اسم مستخدم المشرف
gui-supervisor-pin = الرقم السري للمشرف
gui-stamp = صادِق بختمي
gui-print-pdf = اطبع الأصل المختوم إلى ملف PDF
gui-envelope = ضعها في المغلف (اطبع اللصاقة)
gui-reason = سبب الرفض
gui-reject = رفض
gui-written-to = كُتب في { $path }
gui-done-verified = دُقِّق الطلب: أُعطي رقم الوثيقة وثُبِّت محتواها.
gui-done-stamped = طُبّق الختم؛ ما زالت أختام أخرى مطلوبة.
gui-done-approved = طُبّق الختم: صودق على الطلب.
gui-preview = معاينة الوثيقة كما ستُطبع
gui-preview-draft = المعاينة أدناه: مسودة، بلا ختم (الأصل المختوم يُطبع بعد المصادقة).
gui-preview-copy = المعاينة أدناه: نسخة للاطلاع، بلا ختم (النسخة المختومة تحتاج إذن المشرف).
gui-done-printed = طُبع الأصل المختوم إلى ملف PDF.
gui-done-enveloped = وُضعت في المغلف وكُتبت اللصاقة.
gui-done-rejected = رُفض الطلب وسُجّل السبب.
gui-outbox-title = صندوق الإرسال: ما ينتظر المخدّم المركزي
gui-sync-now = زامِن الآن
gui-syncing = جارٍ المزامنة…
gui-verify-title = التحقق من ختم وثيقة
gui-check-seal = تحقّق
gui-worklist = طلبات جديدة تنتظر، الأكثر إلحاحاً أولاً
gui-nav-settings = الإعدادات
gui-settings-title = الإعدادات
gui-arabic-digits = اطبع الوثائق بالأرقام العربية المشرقية (٠-٩)
gui-data-location = بيانات المكتب: { $path }
gui-hub-address = المخدّم المركزي: { $hub }
gui-backup-now = انسخ احتياطياً الآن
err-preview = كُتبت الوثيقة، لكن تعذّر رسم معاينتها: { $detail }
gui-nav-admin = الإدارة
gui-admin-users = حسابات الموظفين
gui-admin-pin-placeholder = رمز سري جديد (6+ أرقام)
gui-admin-add = إضافة مستخدم
gui-admin-reset-hint = لإعادة تعيين رمز سري: اكتب الرمز الجديد هنا ثم اضغط «إعادة تعيين الرمز» في سطر الموظف:
gui-admin-reset = إعادة تعيين الرمز
gui-admin-unlock = فك القفل
gui-admin-deactivate = إيقاف الحساب
gui-admin-keys = مفاتيح الأختام الموثوقة في هذا المكتب
gui-key-root = جذر (يوقّع قائمة الثقة)
gui-key-center = مركز (يوقّع النسخ الأصلية)
gui-key-supervisor = مشرف (يوقّع الأختام)
gui-key-expired = انتهت مدة التوقيع
gui-key-expires-soon = { PLURAL($days) ->
        [zero] ينتهي اليوم
        [one] بقي يوم واحد
        [two] بقي يومان
        [few] بقيت { $days } أيام
        [many] بقي { $days } يوماً
       *[other] بقي { $days } يوم
    }
gui-key-demo = مفتاح تجريبي
gui-no-printer = لم تُختر طابعة: اخترها في الإعدادات (F5).
gui-no-printers = لا توجد طابعات في CUPS على هذا الحاسوب.
gui-printer-current = الطابعة الورقية: { $printer }
gui-find-printers = البحث عن الطابعات
gui-use-printer = استخدام هذه الطابعة
gui-print-paper = طباعة النسخة الأصلية المختومة على { $printer }
gui-label-conditions = شروط التسليم (على اللصاقة)
gui-label-place = مكان التسليم
gui-enveloped-waiting = مغلفات هذا المكتب بانتظار البريد: { $count }
gui-dispatch = التسليم إلى البريد (طباعة البيان)
gui-printer-none = لم تُختر بعد
gui-seal-file = أو ملف: صورة أو مسح لرمز الختم (PNG أو JPEG) أو ملف PDF (مساره)
gui-open-seal-file = فتح وتحقق
gui-no-seal-in-file = لم يوجد ختم في هذا الملف (لا رمز QR مقروء، أو PDF بلا ختم).
gui-summary-line = { $service }: جديد اليوم { $new } · قيد العمل { $open } · متأخر { $overdue } · أُنجز اليوم { $finished }
gui-summary-overdue = المتأخر الآن: { $count }
gui-all-by-state = كل طلبات هذا المكتب حسب الحالة:
gui-copy-title = نسخة مصرّح بها (يكتب المشرف رمزه السري بنفسه)
gui-print-copy = طباعة نسخة إلى PDF
gui-unpaid-no-print = لم تُدفع رسوم هذا الطلب بعد، فلا تُطبع وثيقته.
gui-done-copy = طُبعت نسخة مؤشَّر عليها «نسخة» إلى PDF وسُجّلت.
gui-conflicts-title = التعارضات: تغييرات رفضها المخدّم المركزي
gui-settle-note = ملاحظة للملف (سبب قبول حالة المخدّم المركزي)
gui-settle = تسوية: قبول حالة المخدّم المركزي
gui-open-conflicts = تعارضات بانتظار التسوية (F7)
gui-enroll-title = تسجيل هذا المكتب لدى المخدّم المركزي (المدير): عنوانه، والبصمة والرمز لمرة واحدة من مشغّله (دون بصمة لمخدّم على هذا الجهاز فقط)
gui-hub-fingerprint = بصمة المخدّم (sha256:…)
gui-hub-url = عنوان المخدّم المركزي (https://…)
gui-enroll-code = الرمز لمرة واحدة
gui-enroll = تسجيل
gui-enrolling = جارٍ التسجيل…
err-hub-no-certificate = ليس للمخدّم المركزي شهادة TLS: شغّل «citizen-desk hub tls init» (أو أعطِ ‎--tls-cert‎ و‎--tls-key‎، أو ‎--plain‎ لعنوان محلي على هذا الجهاز).
err-hub-tls-exists = للمخدّم المركزي مفتاح وشهادة من قبل ({ $path }). استبدالهما يوجب إعادة تسجيل كل المكاتب؛ أضف ‎--force‎ لفعل ذلك.
err-hub-faults-release = المتغيّر CITIZEN_DESK_HUB_FAULTS معيَّن، لكن حقن الأعطال موجود في نسخ الاختبار فقط. ألغِ تعيينه لتشغيل هذا المخدّم.
done-hub-tls = كُتب المفتاح والشهادة ({ $path }). أعطِ المكاتب هذه البصمة مع رموز تسجيلها:
done-hub-revoked = أُلغي رمز المكتب { $id }؛ لن يستطيع المزامنة حتى يُسجَّل من جديد برمز تسجيل جديد.
done-hub-rotated = سيتلقى المكتب { $id } رمزاً جديداً في مزامنته التالية؛ ويتوقف الرمز القديم حين يستعمل المكتب الجديد.
hub-desks-title = المكاتب المسجّلة:
hub-desk-line = المكتب { $id } ({ $center }/{ $desk }): سُجّل { $enrolled }، آخر ظهور { $seen }، جذر الثقة { $root }{ $revoked }{ $rotation }
hub-desk-revoked = ، مُلغى منذ { $at }
hub-desk-rotation = ، بانتظار رمز جديد
hub-demo-added = { PLURAL($count) ->
        [zero] لم يُضف أي طلب تجريبي
        [one] أُضيف طلب تجريبي واحد
        [two] أُضيف طلبان تجريبيان
        [few] أُضيفت { $count } طلبات تجريبية
        [many] أُضيف { $count } طلباً تجريبياً
       *[other] أُضيف { $count } طلب تجريبي
    } للمراكز: { $centers }
hub-state-now = الطلب { $tracking } أصبح «{ $state }» في المخدّم المركزي.
hub-trust-published = نُشرت قائمة الثقة، الإصدار { $version }.
hub-status-requests = الطلبات حسب المركز والحالة:
hub-status-totals = تغييرات مطبَّقة: { $applied }، مرفوضة: { $rejected }، دفعات تسليم: { $batches }، محاولات غير مأذونة: { $unauthorised }، إصدار قائمة الثقة: { $trust }
hub-status-desk = المكتب { $id } ({ $center }/{ $desk }): آخر اتصال { $seen }، رأس سجل التدقيق { $seq } { $hash }
hub-never = لم يتصل بعد
hub-no-root = لا جذر بعد
hub-audit-rewritten = سجل التدقيق مبتور أو أُعيدت كتابته!
err-bad-full-name = الاسم الكامل غير صالح: من حرفين إلى 80 حرفاً، حروف ومسافات فقط.
err-image-too-large = الصورة أكبر من أن تُقرأ (أكثر من { $side } نقطة في أحد ضلعيها، أو أكثر من { $mib } ميغابايت بعد فكّها): امسح الختم أو صوّره مرة أخرى بحجم أصغر.
err-seal-not-backed = لم يُطبع شيء: الختم الذي ستحمله هذه النسخة الأصلية لا يصحّ ({ $why }). عُدِّل سجل الطلب أو أختامه خارج البرنامج؛ يتحقق مشرف من الأمر.
err-payment-unconfirmed = لم يُطبع شيء: لا يشهد المخدّم المركزي بدفع رسم هذا الطلب كما يسجّله هذا المكتب. زامِن المكتب ثم أعد المحاولة؛ فإن تكرّر ذلك فقد عُدِّل السجل خارج البرنامج، ويتحقق مشرف من الأمر.
err-deactivate-self = لا يمكنك إيقاف حسابك أنت؛ يوقفه مدير آخر.
err-credential-store = مفتاح هذا المكتب محفوظ في مخزن الاعتمادات في نظام التشغيل، ولم يستجب: سجّل الدخول إلى جلسة سطح المكتب (أو افتح حلقة مفاتيحها) ثم أعد المحاولة. لم يُوقَّع شيء. ({ $detail })
err-copy-self-authorised = النسخة تحتاج شخصاً ثانياً: لا يجوز أن يأذن بها المشرف الذي يطبعها.
done-full-name = سُجّل الاسم الكامل للمستخدم { $user }؛ يُطبع على الوثائق.
gui-admin-full-name = الاسم الكامل كما يُطبع على الوثائق
gui-admin-set-full-name = اعتماد الاسم الكامل
gui-history = سجل الطلب
gui-history-empty = لا خطوات عليه بعد.
gui-history-hub = المخدّم المركزي
history-verify = دُقِّق الطلب
history-stamp = خُتم الطلب
history-reject = رُفض الطلب
history-cancel = أُلغي الطلب
history-print = طُبعت الوثيقة الأصلية
history-print-copy = طُبعت نسخة مصدّقة
history-render = عُرضت مسودة أو نسخة للاطلاع
history-seal-issued = صدر له ختم رقمي
history-envelope = وُضع في المغلف
history-dispatch = سُلِّم إلى البريد
history-hub-state = تغيّرت حالته في المخدّم المركزي
history-hub-payment = وصل إشعار دفعه من المخدّم المركزي
history-conflict = رفض المخدّم المركزي تغييراً عليه (تعارض)
history-conflict-settled = سُوّي التعارض
history-refused = رُفض إجراء: { $action }
history-other = قيد آخر في السجل
gui-stamp-ticked = ختم المحدَّد ({ $count })
gui-stamp-ticked-keys = Alt+Shift+1…9 يحدّد طلباً، وAlt+A يحدّد الكل، وAlt+S ينتقل إلى الرمز السري، وEnter يختم المحدَّد.
gui-done-stamped-several = { PLURAL($count) ->
        [zero] لم يُختم أي طلب.
        [one] خُتم طلب واحد.
        [two] خُتم طلبان.
        [few] خُتمت { $count } طلبات.
        [many] خُتم { $count } طلباً.
       *[other] خُتم { $count } طلب.
    }
gui-stamped-refused = { PLURAL($count) ->
        [zero] لم يُرفض أي طلب.
        [one] رُفض طلب واحد: { $why }
        [two] رُفض طلبان، أولهما: { $why }
        [few] رُفضت { $count } طلبات، أولها: { $why }
        [many] رُفض { $count } طلباً، أولها: { $why }
       *[other] رُفض { $count } طلب، أولها: { $why }
    }
gui-worklist-page = الصفحة { $page } من { $pages } · بانتظار العمل: { $total }
gui-page-previous = السابق (PageUp)
gui-page-next = التالي (PageDown)
gui-preview-label = هذه بطاقة المغلف كما ستُطبع؛ لم يُسجَّل شيء.
gui-preview-label-button = معاينة بطاقة المغلف
gui-envelope-paper = في المغلف، وبطاقته على { $printer }
gui-done-label-paper = في المغلف؛ أُرسلت بطاقته إلى الطابعة { $printer } (المهمة { $job }، { $state }).
gui-choose-file = اختيار ملف…
gui-chooser-close = إغلاق
gui-chooser-up = المجلد الأعلى
gui-chooser-empty = لا صور ولا ملفات PDF في هذا المجلد.
gui-chooser-cut = في المجلد ملفات أكثر مما يُعرض؛ اكتب مسار الملف في الحقل.
io-not-found = الملف أو المجلد غير موجود
io-permission-denied = لا يملك البرنامج إذناً بالوصول إليه
io-already-exists = يوجد ملف بهذا الاسم مسبقاً
io-connection = انقطع الاتصال أو رُفض
io-timed-out = انتهت مهلة الانتظار
io-invalid-data = محتواه غير صالح
io-other = خطأ في نظام الملفات
