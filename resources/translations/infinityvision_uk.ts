<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="uk">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/about_dialog.py" line="+157" />
        <source>About InfinityVision</source>
        <translation>Про InfinityVision</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Tells what is in a photo among the ten CIFAR-10 classes, and how sure it is; shows how the model learned, and retrains it on your own pictures.</source>
        <translation>Визначає, який із десяти класів CIFAR-10 зображено на фото і наскільки певна відповідь; показує, як навчалася модель, і донавчає її на ваших власних зображеннях.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Versions</source>
        <translation>Версії</translation>
    </message>
    <message>
        <location line="+2" />
        <source>not installed</source>
        <translation>не встановлено</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Active model</source>
        <translation>Активна модель</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Copy</source>
        <translation>&amp;Копіювати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy the versions and the model's provenance, for a bug report</source>
        <translation>Скопіювати версії та походження моделі — для звіту про ваду</translation>
    </message>
    <message>
        <location line="+29" />
        <source>Name:</source>
        <translation>Назва:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>File:</source>
        <translation>Файл:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Architecture:</source>
        <translation>Архітектура:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Test accuracy:</source>
        <translation>Точність на тесті:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Date trained:</source>
        <translation>Дата навчання:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Trained by:</source>
        <translation>Команда навчання:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Data:</source>
        <translation>Дані:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training images:</source>
        <translation>Навчальних зображень:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training time:</source>
        <translation>Час навчання:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Pretrained weights:</source>
        <translation>Попередньо навчені ваги:</translation>
    </message>
    <message>
        <location line="+4" />
        <source>No model is loaded.</source>
        <translation>Жодну модель не завантажено.</translation>
    </message>
    <message>
        <location line="+5" />
        <location line="+13" />
        <location line="+1" />
        <source>unknown</source>
        <translation>невідомо</translation>
    </message>
    <message>
        <location line="-10" />
        <source>{0}; license: {1}</source>
        <translation>{0}; ліцензія: {1}</translation>
    </message>
    <message>
        <location line="+4" />
        <source>{0} on the test split</source>
        <translation>{0} на тестовій вибірці</translation>
    </message>
    <message>
        <location line="+2" />
        <source>not evaluated</source>
        <translation>не оцінено</translation>
    </message>
    <message>
        <location line="+7" />
        <source>{0} (and {1} held out for validation)</source>
        <translation>{0} (і ще {1} відкладено для валідації)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>{0} min</source>
        <translation>{0} хв</translation>
    </message>
</context>
<context>
    <name>ChartWidget</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/widgets/chart_widget.py" line="+119" />
        <source>Save Chart as &amp;PNG…</source>
        <translation>Зберегти діаграму як &amp;PNG…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save Chart as &amp;SVG…</source>
        <translation>Зберегти діаграму як &amp;SVG…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save…</source>
        <translation>Зберегти…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save this chart as a PNG or SVG image</source>
        <translation>Зберегти цю діаграму як зображення PNG або SVG</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save chart</source>
        <translation>Зберегти діаграму</translation>
    </message>
    <message>
        <location line="+96" />
        <source>PNG image (*.png)</source>
        <translation>Зображення PNG (*.png)</translation>
    </message>
    <message>
        <location line="+0" />
        <source>SVG image (*.svg)</source>
        <translation>Зображення SVG (*.svg)</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+9" />
        <source>Save Chart</source>
        <translation>Збереження діаграми</translation>
    </message>
    <message>
        <location line="+0" />
        <source>The chart could not be saved to {0}:
{1}</source>
        <translation>Не вдалося зберегти діаграму в {0}:
{1}</translation>
    </message>
</context>
<context>
    <name>ClassListPanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/teach_class_list.py" line="+85" />
        <location line="+1" />
        <source>Classes</source>
        <translation>Класи</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add…</source>
        <translation>Додати…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add a class (a folder in the project)</source>
        <translation>Додати клас (теку в проєкті)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rename…</source>
        <translation>Перейменувати…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Delete</source>
        <translation>Видалити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Delete the class and the copies of its photos</source>
        <translation>Видалити клас і копії його фото</translation>
    </message>
    <message numerus="yes">
        <location line="+43" />
        <source>%n photo(s) · needs {0} more</source>
        <translation>
            <numerusform>%n фото · потрібно ще {0}</numerusform>
            <numerusform>%n фото · потрібно ще {0}</numerusform>
            <numerusform>%n фото · потрібно ще {0}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n photo(s) · {0} more recommended</source>
        <translation>
            <numerusform>%n фото · радимо ще {0}</numerusform>
            <numerusform>%n фото · радимо ще {0}</numerusform>
            <numerusform>%n фото · радимо ще {0}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n photo(s)</source>
        <translation>
            <numerusform>%n фото</numerusform>
            <numerusform>%n фото</numerusform>
            <numerusform>%n фото</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9" />
        <source>%n correction(s) among them</source>
        <translation>
            <numerusform>серед них %n виправлення</numerusform>
            <numerusform>серед них %n виправлення</numerusform>
            <numerusform>серед них %n виправлень</numerusform>
        </translation>
    </message>
    <message>
        <location line="+37" />
        <source>Add Class</source>
        <translation>Додати клас</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Name of the new class:</source>
        <translation>Назва нового класу:</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Rename Class</source>
        <translation>Перейменувати клас</translation>
    </message>
    <message>
        <location line="+0" />
        <source>New name for '{0}':</source>
        <translation>Нова назва для «{0}»:</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Delete Class</source>
        <translation>Видалити клас</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>Delete the class '{0}' and the copies of its %n photo(s) in the project? The photos you added them from are not touched.</source>
        <translation>
            <numerusform>Видалити клас «{0}» і копію його %n фото в проєкті? Фото, з яких їх додано, залишаться на місці.</numerusform>
            <numerusform>Видалити клас «{0}» і копії його %n фото в проєкті? Фото, з яких їх додано, залишаться на місці.</numerusform>
            <numerusform>Видалити клас «{0}» і копії його %n фото в проєкті? Фото, з яких їх додано, залишаться на місці.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassNames</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/i18n.py" line="+161" />
        <source>airplane</source>
        <translation>літак</translation>
    </message>
    <message>
        <location line="+1" />
        <source>automobile</source>
        <translation>автомобіль</translation>
    </message>
    <message>
        <location line="+1" />
        <source>bird</source>
        <translation>птах</translation>
    </message>
    <message>
        <location line="+1" />
        <source>cat</source>
        <translation>кіт</translation>
    </message>
    <message>
        <location line="+1" />
        <source>deer</source>
        <translation>олень</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dog</source>
        <translation>собака</translation>
    </message>
    <message>
        <location line="+1" />
        <source>frog</source>
        <translation>жаба</translation>
    </message>
    <message>
        <location line="+1" />
        <source>horse</source>
        <translation>кінь</translation>
    </message>
    <message>
        <location line="+1" />
        <source>ship</source>
        <translation>корабель</translation>
    </message>
    <message>
        <location line="+1" />
        <source>truck</source>
        <translation>вантажівка</translation>
    </message>
</context>
<context>
    <name>ClassifySession</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/session.py" line="+152" />
        <source>file not found</source>
        <translation>файл не знайдено</translation>
    </message>
    <message>
        <location line="+99" />
        <source>Pasted image {0}</source>
        <translation>Вставлене зображення {0}</translation>
    </message>
</context>
<context>
    <name>ClassifyStatus</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/status_bar.py" line="+56" />
        <source>Cancel</source>
        <translation>Скасувати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop classifying the remaining images</source>
        <translation>Не класифікувати решту зображень</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Classification progress</source>
        <translation>Перебіг класифікації</translation>
    </message>
    <message numerus="yes">
        <location line="+17" />
        <source>Classifying %n image(s)…</source>
        <translation>
            <numerusform>Класифікується %n зображення…</numerusform>
            <numerusform>Класифікуються %n зображення…</numerusform>
            <numerusform>Класифікується %n зображень…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+0" />
        <source>Classifying…</source>
        <translation>Класифікується…</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Cancelled: {0} classified, {1} skipped, {2} not classified</source>
        <translation>Скасовано. Класифіковано: {0}, пропущено: {1}, не класифіковано: {2}</translation>
    </message>
    <message>
        <location line="+4" />
        <source>{0} classified, {1} skipped</source>
        <translation>Класифіковано: {0}, пропущено: {1}</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n waiting for a model</source>
        <translation>
            <numerusform>%n чекає на модель</numerusform>
            <numerusform>%n чекають на модель</numerusform>
            <numerusform>%n чекають на модель</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n other file(s) not added (not images)</source>
        <translation>
            <numerusform>ще %n файл не додано (не зображення)</numerusform>
            <numerusform>ще %n файли не додано (не зображення)</numerusform>
            <numerusform>ще %n файлів не додано (не зображення)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9" />
        <source>Loading model…</source>
        <translation>Завантаження моделі…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Model: {0}</source>
        <translation>Модель: {0}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>test accuracy {0}</source>
        <translation>точність на тесті {0}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>No model</source>
        <translation>Немає моделі</translation>
    </message>
    <message>
        <location line="+5" />
        <source>looked for {0}</source>
        <translation>шукали {0}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>No model available: looked for {0} ({1}).</source>
        <translation>Немає доступної моделі: шукали {0} ({1}).</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Could not load {0}: {1}. Still using {2}.</source>
        <translation>Не вдалося завантажити {0}: {1}. Далі використовується {2}.</translation>
    </message>
</context>
<context>
    <name>ClassifyView</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/classify_view.py" line="+97" />
        <source>Image preview</source>
        <translation>Попередній перегляд зображення</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Probability of each class</source>
        <translation>Імовірність кожного класу</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Classified images</source>
        <translation>Класифіковані зображення</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Answer</source>
        <translation>Відповідь</translation>
    </message>
    <message>
        <location line="+59" />
        <source>animated: its first frame (of {0}) was classified</source>
        <translation>анімація: класифіковано перший кадр (із {0})</translation>
    </message>
    <message>
        <location line="+9" />
        <source>The ImageNet classifier sees {0} ({1})</source>
        <translation>Класифікатор ImageNet бачить: {0} ({1})</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Waiting for a model…</source>
        <translation>Очікування моделі…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Waiting for the model to load…</source>
        <translation>Очікування завантаження моделі…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Classifying…</source>
        <translation>Класифікується…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Not classified (cancelled)</source>
        <translation>Не класифіковано (скасовано)</translation>
    </message>
    <message>
        <location line="+25" />
        <source>No preview</source>
        <translation>Попередній перегляд недоступний</translation>
    </message>
    <message>
        <location line="+5" />
        <source>or choose File › Open Images… ({0}), or paste an image ({1})</source>
        <translation>або виберіть «Файл › Відкрити зображення…» ({0}), або вставте зображення ({1})</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Choose a model with Model › Open Model…</source>
        <translation>Виберіть модель через «Модель › Відкрити модель…»</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Drop photos or folders here</source>
        <translation>Перетягніть сюди фото або теки</translation>
    </message>
    <message>
        <location line="+9" />
        <source>No model available: looked for {0} ({1}).</source>
        <translation>Немає доступної моделі: шукали {0} ({1}).</translation>
    </message>
    <message>
        <location line="+19" />
        <source>None of the ten: looks like {0}</source>
        <translation>Жоден із десяти класів: схоже на {0}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Not sure: looks most like {0} ({1})</source>
        <translation>Невпевнено: найбільше схоже, що це {0} ({1})</translation>
    </message>
    <message>
        <location line="+3" />
        <source>{0}, {1}</source>
        <translation>{0}, {1}</translation>
    </message>
</context>
<context>
    <name>ComparisonChart</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/widgets/evaluation_charts.py" line="+277" />
        <location line="+23" />
        <source>No models to compare yet.</source>
        <translation>Поки що немає моделей для порівняння.</translation>
    </message>
    <message>
        <location line="+26" />
        <source>not evaluated</source>
        <translation>не оцінено</translation>
    </message>
    <message>
        <location line="+18" />
        <source>test accuracy</source>
        <translation>точність на тесті</translation>
    </message>
</context>
<context>
    <name>ConfusionMatrixChart</name>
    <message>
        <location line="-291" />
        <source>Row-normalised</source>
        <translation>Частки за рядками</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Show each row as shares of its true class (recall on the diagonal)</source>
        <translation>Показати кожен рядок як частки його справжнього класу (на діагоналі — повнота)</translation>
    </message>
    <message>
        <location line="+134" />
        <source>predicted</source>
        <translation>передбачено</translation>
    </message>
    <message>
        <location line="+1" />
        <source>true class</source>
        <translation>справжній клас</translation>
    </message>
    <message>
        <location line="+57" />
        <source>row-normalised</source>
        <translation>частки за рядками</translation>
    </message>
    <message>
        <location line="+0" />
        <source>counts</source>
        <translation>кількості</translation>
    </message>
</context>
<context>
    <name>DateRangeFilter</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/history_filters.py" line="+159" />
        <source>From</source>
        <translation>Від</translation>
    </message>
    <message>
        <location line="+1" />
        <source>From date</source>
        <translation>Від дати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>to</source>
        <translation>до</translation>
    </message>
    <message>
        <location line="+1" />
        <source>To date</source>
        <translation>До дати</translation>
    </message>
</context>
<context>
    <name>DropOverlay</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/widgets/drop_overlay.py" line="+19" />
        <location line="+7" />
        <source>Drop to classify</source>
        <translation>Відпустіть, щоб класифікувати</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/errors.py" line="+63" />
        <source>InfinityVision: unexpected error</source>
        <translation>InfinityVision: неочікувана помилка</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy Details</source>
        <translation>Копіювати подробиці</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Error details</source>
        <translation>Подробиці помилки</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Something went wrong that should not have: {0}

The app may keep working. The details below are also in the log file.</source>
        <translation>Сталося те, чого не мало статися: {0}

Програма, імовірно, працюватиме далі. Подробиці нижче також записано в журнал.</translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>%n unexpected error(s) occurred; the details of each are below.</source>
        <translation>
            <numerusform>Сталася %n неочікувана помилка; подробиці нижче.</numerusform>
            <numerusform>Сталися %n неочікувані помилки; подробиці кожної нижче.</numerusform>
            <numerusform>Сталося %n неочікуваних помилок; подробиці кожної нижче.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvaluationView</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/evaluation_view.py" line="+289" />
        <source>Cancel</source>
        <translation>Скасувати</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Save Predictions as CSV…</source>
        <translation>Зберегти відповіді в CSV…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Every image with its true class, the model's answer and every class's probability</source>
        <translation>Кожне зображення з його справжнім класом, відповіддю моделі та ймовірністю кожного класу</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Click a cell to see its images</source>
        <translation>Клацніть клітинку, щоб побачити її зображення</translation>
    </message>
    <message>
        <location line="-2" />
        <source>Show All Mistakes</source>
        <translation>Показати всі помилки</translation>
    </message>
    <message>
        <location line="+30" />
        <source>{0} on {1}</source>
        <translation>{0} на {1}</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Loading the model and reading the folder…</source>
        <translation>Завантаження моделі й читання теки…</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Cancelling…</source>
        <translation>Скасування…</translation>
    </message>
    <message>
        <location line="+96" />
        <source>No misclassified images</source>
        <translation>Помилково класифікованих зображень немає</translation>
    </message>
    <message>
        <location line="-76" />
        <source>the {0} split</source>
        <translation>частина «{0}»</translation>
    </message>
    <message>
        <location line="-16" />
        <source>Could not evaluate: {0}</source>
        <translation>Не вдалося оцінити: {0}</translation>
    </message>
    <message>
        <location line="-2" />
        <source>Cancelled.</source>
        <translation>Скасовано.</translation>
    </message>
    <message>
        <location line="-18" />
        <source>Evaluation</source>
        <translation>Оцінювання</translation>
    </message>
    <message>
        <location line="-33" />
        <source>Stop the evaluation</source>
        <translation>Зупинити оцінювання</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Show every misclassified image again, not one cell's</source>
        <translation>Знову показати всі помилково класифіковані зображення, а не лише однієї клітинки</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Confusion matrix</source>
        <translation>Матриця помилок</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Per-class report</source>
        <translation>Звіт за класами</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Images of the evaluation</source>
        <translation>Зображення оцінювання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Double-click an image to classify it in the Classify tab</source>
        <translation>Двічі клацніть зображення, щоб класифікувати його на вкладці «Класифікація»</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Evaluation progress</source>
        <translation>Поступ оцінювання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Evaluation summary</source>
        <translation>Підсумок оцінювання</translation>
    </message>
    <message>
        <location line="+29" />
        <source>Choose Model › Evaluate on Folder… and a folder with one sub-folder of images per class.</source>
        <translation>Виберіть «Модель › Оцінити на теці…» і теку, у якій для кожного класу є підтека із зображеннями.</translation>
    </message>
    <message numerus="yes">
        <location line="+5" />
        <source>Classifying {0} of %n image(s)…</source>
        <translation>
            <numerusform>Класифікується {0} з %n зображення…</numerusform>
            <numerusform>Класифікується {0} з %n зображень…</numerusform>
            <numerusform>Класифікується {0} з %n зображень…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+14" />
        <source>Accuracy {0} on %n image(s) · {1} misclassified · macro F1 {2}</source>
        <translation>
            <numerusform>Точність {0} на %n зображенні · помилок: {1} · макро-F1 {2}</numerusform>
            <numerusform>Точність {0} на %n зображеннях · помилок: {1} · макро-F1 {2}</numerusform>
            <numerusform>Точність {0} на %n зображеннях · помилок: {1} · макро-F1 {2}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5" />
        <source>%n unreadable file(s) skipped (first: {0}: {1})</source>
        <translation>
            <numerusform>Пропущено %n файл, який не вдалося прочитати (перший: {0}: {1})</numerusform>
            <numerusform>Пропущено %n файли, які не вдалося прочитати (перший: {0}: {1})</numerusform>
            <numerusform>Пропущено %n файлів, які не вдалося прочитати (перший: {0}: {1})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+77" />
        <source>Misclassified: %n image(s), the most confident mistakes first</source>
        <translation>
            <numerusform>Помилково класифіковано: %n зображення, найвпевненіші помилки першими</numerusform>
            <numerusform>Помилково класифіковано: %n зображення, найвпевненіші помилки першими</numerusform>
            <numerusform>Помилково класифіковано: %n зображень, найвпевненіші помилки першими</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+16" />
        <source>{0}: %n image(s) classified correctly</source>
        <translation>
            <numerusform>{0}: %n зображення класифіковано правильно</numerusform>
            <numerusform>{0}: %n зображення класифіковано правильно</numerusform>
            <numerusform>{0}: %n зображень класифіковано правильно</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5" />
        <source>True class {0}, the model said {1}: %n image(s), the most confident first</source>
        <translation>
            <numerusform>Справжній клас {0}, модель відповіла {1}: %n зображення, найвпевненіші першими</numerusform>
            <numerusform>Справжній клас {0}, модель відповіла {1}: %n зображення, найвпевненіші першими</numerusform>
            <numerusform>Справжній клас {0}, модель відповіла {1}: %n зображень, найвпевненіші першими</numerusform>
        </translation>
    </message>
    <message>
        <location line="+104" />
        <location line="+9" />
        <source>Save Predictions</source>
        <translation>Збереження відповідей</translation>
    </message>
    <message>
        <location line="-9" />
        <source>CSV files (*.csv)</source>
        <translation>Файли CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Could not write {0}: {1}</source>
        <translation>Не вдалося записати {0}: {1}</translation>
    </message>
</context>
<context>
    <name>ExplainController</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/explain_panel.py" line="+147" />
        <source>Click a class to see which parts of the image speak for it</source>
        <translation>Клацніть клас, щоб побачити, які частини зображення свідчать на його користь</translation>
    </message>
    <message>
        <location line="+6" />
        <source>No heatmap: {0}</source>
        <translation>Немає теплової карти: {0}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>No heatmap: the image itself is no longer available.</source>
        <translation>Немає теплової карти: самого зображення вже немає.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The heatmap appears once the image is classified.</source>
        <translation>Теплова карта з’явиться, щойно зображення буде класифіковано.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Finding where the model looked…</source>
        <translation>Шукаємо, куди дивилася модель…</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Grad-CAM from layer {0}</source>
        <translation>Grad-CAM із шару {0}</translation>
    </message>
    <message>
        <location line="+152" />
        <source>Nothing in this image speaks for “{0}”.</source>
        <translation>Ніщо на цьому зображенні не свідчить на користь «{0}».</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Where the model saw “{0}” (red: most)</source>
        <translation>Що вказує на «{0}» (червоне — найбільше)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Where the model saw “{0}” (its answer is “{1}”)</source>
        <translation>Що вказує на «{0}» (відповідь моделі — «{1}»)</translation>
    </message>
</context>
<context>
    <name>ExplainPanel</name>
    <message>
        <location line="-264" />
        <source>Show heatma&amp;p</source>
        <translation>Теплова &amp;карта</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Colour the parts of the image that made the model answer as it did (Grad-CAM). Click a class in the chart to see the parts that speak for it.</source>
        <translation>Розфарбувати частини зображення, через які модель відповіла саме так (Grad-CAM). Клацніть клас на діаграмі, щоб побачити частини, що свідчать на його користь.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Opacity</source>
        <translation>Непрозорість</translation>
    </message>
    <message>
        <location line="+1" />
        <source>How strongly the heatmap covers the image</source>
        <translation>Наскільки щільно теплова карта вкриває зображення</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Heatmap opacity</source>
        <translation>Непрозорість теплової карти</translation>
    </message>
    <message>
        <location line="+1" />
        <source>What the heatmap shows</source>
        <translation>Що показує теплова карта</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/export_dialog.py" line="+236" />
        <location line="+188" />
        <source>Export Model</source>
        <translation>Експорт моделі</translation>
    </message>
    <message>
        <location line="-186" />
        <source>Keras (.keras)</source>
        <translation>Keras (.keras)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keras HDF5 (.h5)</source>
        <translation>Keras HDF5 (.h5)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>TensorFlow Lite, float32 (.tflite)</source>
        <translation>TensorFlow Lite, float32 (.tflite)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>TensorFlow Lite, int8 quantized (.tflite, about 4x smaller)</source>
        <translation>TensorFlow Lite, квантована в int8 (.tflite, приблизно вчетверо менша)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Format</source>
        <translation>Формат</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+6" />
        <source>Browse…</source>
        <translation>Огляд…</translation>
    </message>
    <message>
        <location line="-5" />
        <source>Choose where to save the exported model</source>
        <translation>Вибрати, куди зберегти експортовану модель</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose where to save</source>
        <translation>Вибрати, куди зберегти</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save as</source>
        <translation>Зберегти як</translation>
    </message>
    <message>
        <location line="+1" />
        <source>a folder of typical images (searched recursively)</source>
        <translation>тека з типовими зображеннями (разом із підтеками)</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Export</source>
        <translation>Експортувати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancel Export</source>
        <translation>Скасувати експорт</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Model: {0}
{1}</source>
        <translation>Модель: {0}
{1}</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Cancelling…</source>
        <translation>Скасування…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Choose where to save the exported model.</source>
        <translation>Виберіть, куди зберегти експортовану модель.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>int8 needs sample images: choose a folder of typical images to calibrate on.</source>
        <translation>Для int8 потрібні зразки зображень: виберіть теку з типовими зображеннями для калібрування.</translation>
    </message>
    <message>
        <location line="-10" />
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
    <message>
        <location line="-42" />
        <source>Sample images</source>
        <translation>Зразки зображень</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Choose a folder of sample images</source>
        <translation>Вибрати теку зі зразками зображень</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose sample images</source>
        <translation>Вибрати зразки зображень</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Format:</source>
        <translation>&amp;Формат:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Save as:</source>
        <translation>Зберегти &amp;як:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sample &amp;images:</source>
        <translation>&amp;Зразки зображень:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export progress</source>
        <translation>Поступ експорту</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export status</source>
        <translation>Стан експорту</translation>
    </message>
    <message>
        <location line="+56" />
        <source>Wrote {0} ({1}) and {2}.</source>
        <translation>Записано {0} ({1}) і {2}.</translation>
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>int8 was calibrated on %n sample image(s).</source>
        <translation>
            <numerusform>int8 відкалібровано на %n зразковому зображенні.</numerusform>
            <numerusform>int8 відкалібровано на %n зразкових зображеннях.</numerusform>
            <numerusform>int8 відкалібровано на %n зразкових зображеннях.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>Its top class agrees with the Keras model's on {0} of %n sample image(s).</source>
        <translation>
            <numerusform>Її найімовірніший клас збігається з класом моделі Keras на {0} з %n зразкового зображення.</numerusform>
            <numerusform>Її найімовірніший клас збігається з класом моделі Keras на {0} з %n зразкових зображень.</numerusform>
            <numerusform>Її найімовірніший клас збігається з класом моделі Keras на {0} з %n зразкових зображень.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+87" />
        <source>Needed: int8 is calibrated on up to 200 of these images; 100 others check that the export answers like the Keras model.</source>
        <translation>Потрібно: int8 калібрується на щонайбільше 200 цих зображеннях; ще 100 перевіряють, що експортована модель відповідає так само, як модель Keras.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Optional: up to 100 of these images check that the export answers like the Keras model.</source>
        <translation>Необов’язково: щонайбільше 100 цих зображень перевіряють, що експортована модель відповідає так само, як модель Keras.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Not needed: a Keras file is the model itself, labels included.</source>
        <translation>Не потрібно: файл Keras — це сама модель разом із назвами класів.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Model files (*{0})</source>
        <translation>Файли моделей (*{0})</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Sample Images</source>
        <translation>Зразки зображень</translation>
    </message>
    <message>
        <location line="-146" />
        <source>Loading the model…</source>
        <translation>Завантаження моделі…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reading the sample images…</source>
        <translation>Читання зразків зображень…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Converting (int8 calibration takes a little longer)…</source>
        <translation>Перетворення (калібрування int8 триває трохи довше)…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Checking the export against the Keras model…</source>
        <translation>Звіряння експортованої моделі з моделлю Keras…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Writing the files…</source>
        <translation>Запис файлів…</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Export failed: {0}</source>
        <translation>Не вдалося експортувати: {0}</translation>
    </message>
    <message>
        <location line="-7" />
        <source>Export cancelled.</source>
        <translation>Експорт скасовано.</translation>
    </message>
</context>
<context>
    <name>Features</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/feature_actions.py" line="+46" />
        <source>&amp;Evaluate on Folder…</source>
        <translation>&amp;Оцінити на теці…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Score the model on a folder with one sub-folder of images per class: accuracy, confusion matrix, mistakes</source>
        <translation>Оцінити модель на теці з підтекою зображень для кожного класу: точність, матриця помилок, помилки</translation>
    </message>
    <message>
        <location line="+5" />
        <source>E&amp;xport Model…</source>
        <translation>Е&amp;кспортувати модель…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Save the model as .keras, .h5 or TensorFlow Lite, with its labels and preprocessing beside it</source>
        <translation>Зберегти модель як .keras, .h5 або TensorFlow Lite, а поруч — її класи й попередню обробку</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Evaluate on Folder</source>
        <translation>Оцінювання на теці</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+42" />
        <source>No model is active yet. Wait for it to load, or choose one with Model › Open Model…</source>
        <translation>Активної моделі ще немає. Зачекайте, доки вона завантажиться, або виберіть її через «Модель › Відкрити модель…»</translation>
    </message>
    <message>
        <location line="-53" />
        <location line="+29" />
        <source>Evaluation</source>
        <translation>Оцінювання</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Evaluate on Folder: a folder with one sub-folder of images per class</source>
        <translation>Оцінювання на теці: тека з підтекою зображень для кожного класу</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Export Model</source>
        <translation>Експорт моделі</translation>
    </message>
</context>
<context>
    <name>GalleryModel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/evaluation_view.py" line="-422" />
        <source>true class: {0}; the model said: {1}</source>
        <translation>справжній клас: {0}; модель відповіла: {1}</translation>
    </message>
    <message>
        <location line="+10" />
        <source>{0}
{1}</source>
        <translation>{0}
{1}</translation>
    </message>
    <message>
        <location line="+1" />
        <source>true: {0}
said: {1} {2}</source>
        <translation>насправді: {0}
відповідь: {1} {2}</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/about_dialog.py" line="+34" />
        <source>InfinityVision Help</source>
        <translation>Довідка InfinityVision</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Help</source>
        <translation>Довідка</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Open a History entry in the Classify tab</source>
        <translation>Відкрити запис історії на вкладці «Класифікація»</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Return</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rename a History entry</source>
        <translation>Перейменувати запис історії</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Next or previous tab</source>
        <translation>Наступна або попередня вкладка</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open a menu</source>
        <translation>Відкрити меню</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Alt + the underlined letter</source>
        <translation>Alt + підкреслена літера</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Classify</source>
        <translation>Класифікація</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Drop photos or folders anywhere on the window, open them from the File menu, or paste an image. Each image gets an answer ("cat, 97%"), or "not sure" when the model's confidence is below its threshold, and a chart of every class. Unreadable files stay in the list with the reason.</source>
        <translation>Перетягніть фото чи теки будь-куди у вікно, відкрийте їх через меню «Файл» або вставте зображення. Кожне зображення отримує відповідь («кіт, 97%») або позначку «невпевнено», якщо впевненість моделі нижча за поріг, і діаграму всіх класів. Файли, які не вдалося прочитати, лишаються в списку з поясненням причини.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>History</source>
        <translation>Історія</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Every classified image is remembered on this computer: search, filter, rename, forget entries, export them. Preferences turn this off or forget old entries.</source>
        <translation>Кожне класифіковане зображення запам’ятовується на цьому комп’ютері: записи можна шукати, фільтрувати, перейменовувати, забувати й експортувати. У налаштуваннях історію можна вимкнути або забувати старі записи.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+2" />
        <source>How the active model learned and how it scores. Model › Train / Fine-tune… teaches it your own classes; Model › Open Model… switches to another model file.</source>
        <translation>Як навчалася активна модель і які в неї результати. «Модель › Навчити / донавчити…» навчає її ваших власних класів; «Модель › Відкрити модель…» перемикає на інший файл моделі.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Keyboard shortcuts</source>
        <translation>Клавіатурні скорочення</translation>
    </message>
</context>
<context>
    <name>HistoryFilterBar</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/history_filters.py" line="-103" />
        <location line="+1" />
        <source>Search file names</source>
        <translation>Пошук за назвою файлу</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Show one class only</source>
        <translation>Показувати лише один клас</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Class</source>
        <translation>Клас</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Show one model's answers only</source>
        <translation>Показувати відповіді лише однієї моделі</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+35" />
        <source>All classes</source>
        <translation>Усі класи</translation>
    </message>
    <message>
        <location line="-34" />
        <location line="+35" />
        <source>All models</source>
        <translation>Усі моделі</translation>
    </message>
    <message>
        <location line="-31" />
        <source>Not sure only</source>
        <translation>Лише невпевнені</translation>
    </message>
    <message>
        <location line="+50" />
        <source>(unnamed)</source>
        <translation>(без назви)</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/history_model.py" line="+98" />
        <source>Name</source>
        <translation>Назва</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Folder</source>
        <translation>Тека</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Class</source>
        <translation>Клас</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Confidence</source>
        <translation>Впевненість</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+201" />
        <source>Not sure</source>
        <translation>Невпевнено</translation>
    </message>
    <message>
        <location line="-200" />
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+1" />
        <source>When</source>
        <translation>Коли</translation>
    </message>
    <message>
        <location line="+191" />
        <source>(pasted)</source>
        <translation>(вставлене)</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Looks like {0}</source>
        <translation>Схоже на {0}</translation>
    </message>
    <message>
        <location line="+19" />
        <source>None of the ten: looks like {0}</source>
        <translation>Жоден із десяти класів: схоже на {0}</translation>
    </message>
    <message>
        <location line="-9" />
        <source>a pasted image</source>
        <translation>вставлене зображення</translation>
    </message>
</context>
<context>
    <name>HistoryTable</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/history_table.py" line="+85" />
        <source>Not sure</source>
        <translation>Невпевнено</translation>
    </message>
</context>
<context>
    <name>HistoryToolBar</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/history_toolbar.py" line="+84" />
        <source>&amp;Open</source>
        <translation>&amp;Відкрити</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Show this image again in the Classify tab (Return)</source>
        <translation>Знову показати це зображення на вкладці «Класифікація» (Enter)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Show in &amp;Folder</source>
        <translation>Показати в &amp;теці</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Open the folder that holds this image</source>
        <translation>Відкрити теку, де лежить це зображення</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Rename…</source>
        <translation>&amp;Перейменувати…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Give this entry a name of your own (F2)</source>
        <translation>Дати цьому запису власну назву (F2)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Delete</source>
        <translation>В&amp;идалити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Forget the selected entries (Delete); the image files are not touched</source>
        <translation>Забути вибрані записи (Delete); файли зображень не змінюються</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Export CSV…</source>
        <translation>&amp;Експорт у CSV…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Save the entries shown to a CSV file</source>
        <translation>Зберегти показані записи у файл CSV</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Clear All…</source>
        <translation>&amp;Очистити все…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Forget every entry; the image files are not touched</source>
        <translation>Забути всі записи; файли зображень не змінюються</translation>
    </message>
    <message>
        <location line="+6" />
        <source>History actions</source>
        <translation>Дії з історією</translation>
    </message>
    <message>
        <location line="+21" />
        <source>The folder {0} is no longer there.</source>
        <translation>Теки {0} більше немає.</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Rename</source>
        <translation>Перейменування</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Name for {0} (leave empty to use the file name):</source>
        <translation>Назва для {0} (залиште порожнім, щоб використовувати назву файлу):</translation>
    </message>
    <message numerus="yes">
        <location line="+23" />
        <source>Forgot %n entry(s). The image files were not touched.</source>
        <translation>
            <numerusform>Забуто %n запис. Файли зображень не змінено.</numerusform>
            <numerusform>Забуто %n записи. Файли зображень не змінено.</numerusform>
            <numerusform>Забуто %n записів. Файли зображень не змінено.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9" />
        <source>Clear History</source>
        <translation>Очищення історії</translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>Forget all %Ln entry(s) in the history? The image files are not touched.</source>
        <translation>
            <numerusform>Забути %Ln запис в історії? Файли зображень не змінюються.</numerusform>
            <numerusform>Забути всі %Ln записи в історії? Файли зображень не змінюються.</numerusform>
            <numerusform>Забути всі %Ln записів в історії? Файли зображень не змінюються.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7" />
        <source>The history is empty. The image files were not touched.</source>
        <translation>Історія порожня. Файли зображень не змінено.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>The history could not be changed: {0}</source>
        <translation>Не вдалося змінити історію: {0}</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/history_view.py" line="+78" />
        <source>History entries</source>
        <translation>Записи історії</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keep a history of classified images</source>
        <translation>Вести історію класифікованих зображень</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Forget entries older than</source>
        <translation>Забувати записи, старші за</translation>
    </message>
    <message>
        <location line="+1" />
        <source>never</source>
        <translation>ніколи</translation>
    </message>
    <message>
        <location line="+1" />
        <source> days</source>
        <translation> дн.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Applied when InfinityVision starts. The image files are never touched.</source>
        <translation>Застосовується під час запуску InfinityVision. Файли зображень ніколи не змінюються.</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+165" />
        <source>The history is not available.</source>
        <translation>Історія недоступна.</translation>
    </message>
    <message>
        <location line="-163" />
        <source>Opening the history…</source>
        <translation>Відкриття історії…</translation>
    </message>
    <message>
        <location line="+131" />
        <source>The history file was damaged and could not be read, so it has been set aside as {0} and a new, empty history was started.</source>
        <translation>Файл історії пошкоджено, і його не вдалося прочитати, тому його відкладено як {0} і розпочато нову, порожню історію.</translation>
    </message>
    <message>
        <location line="+33" />
        <source>The history could not be opened: {0}</source>
        <translation>Не вдалося відкрити історію: {0}</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Some answers could not be added to the history: {0}</source>
        <translation>Деякі відповіді не вдалося додати до історії: {0}</translation>
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>Exported %n entry(s) to {0}</source>
        <translation>
            <numerusform>Експортовано %n запис у {0}</numerusform>
            <numerusform>Експортовано %n записи в {0}</numerusform>
            <numerusform>Експортовано %n записів у {0}</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4" />
        <source>Could not export to {0}: {1}</source>
        <translation>Не вдалося експортувати в {0}: {1}</translation>
    </message>
    <message>
        <location line="+74" />
        <source>Export History</source>
        <translation>Експорт історії</translation>
    </message>
    <message>
        <location line="+0" />
        <source>CSV files (*.csv)</source>
        <translation>Файли CSV (*.csv)</translation>
    </message>
    <message numerus="yes">
        <location line="+59" />
        <source>%Ln entry(s)</source>
        <translation>
            <numerusform>%Ln запис</numerusform>
            <numerusform>%Ln записи</numerusform>
            <numerusform>%Ln записів</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>{0} of %Ln entry(s)</source>
        <translation>
            <numerusform>{0} з %Ln запису</numerusform>
            <numerusform>{0} з %Ln записів</numerusform>
            <numerusform>{0} з %Ln записів</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4" />
        <source>No entries match.</source>
        <translation>Немає відповідних записів.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Images you classify will be listed here.</source>
        <translation>Тут з’являтимуться зображення, які ви класифікуєте.</translation>
    </message>
</context>
<context>
    <name>ImageInput</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/image_input.py" line="+59" />
        <source>Cannot drop {0}: it is a web address. Save the image first, then drop the file.</source>
        <translation>Не можна перетягнути {0}: це веб-адреса. Спершу збережіть зображення, а тоді перетягніть файл.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Only image files and folders can be dropped here, not text.</source>
        <translation>Сюди можна перетягувати лише файли зображень і теки, а не текст.</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Dropped image</source>
        <translation>Перетягнуте зображення</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Nothing to paste: the clipboard holds no image or image file.</source>
        <translation>Нічого вставляти: у буфері обміну немає зображення чи файлу зображення.</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/widgets/image_view.py" line="+131" />
        <source>Loading preview…</source>
        <translation>Завантаження попереднього перегляду…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>No preview</source>
        <translation>Попередній перегляд недоступний</translation>
    </message>
</context>
<context>
    <name>LayerTableModel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/model_tables.py" line="+138" />
        <source>Layer</source>
        <translation>Шар</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Type</source>
        <translation>Тип</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Output shape</source>
        <translation>Форма виходу</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Parameters</source>
        <translation>Параметри</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Trainable</source>
        <translation>Навчаються</translation>
    </message>
    <message>
        <location line="+39" />
        <source>yes</source>
        <translation>так</translation>
    </message>
    <message>
        <location line="+2" />
        <source>frozen</source>
        <translation>заморожено</translation>
    </message>
    <message>
        <location line="+2" />
        <source>{0} of {1}</source>
        <translation>{0} з {1}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/window_actions.py" line="+108" />
        <source>&amp;Open Images…</source>
        <translation>&amp;Відкрити зображення…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open</source>
        <translation>Відкрити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Classify image files</source>
        <translation>Класифікувати файли зображень</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Open &amp;Folder…</source>
        <translation>Відкрити &amp;теку…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Folder</source>
        <translation>Тека</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Classify every image in a folder and its subfolders</source>
        <translation>Класифікувати всі зображення в теці та її підтеках</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Export Results to CSV…</source>
        <translation>&amp;Експортувати результати в CSV…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export</source>
        <translation>Експорт</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save every image's answer and probabilities</source>
        <translation>Зберегти відповідь та ймовірності для кожного зображення</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Quit</source>
        <translation>Ви&amp;йти</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Quit</source>
        <translation>Вийти</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Close InfinityVision</source>
        <translation>Закрити InfinityVision</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Paste Image</source>
        <translation>Вст&amp;авити зображення</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Paste</source>
        <translation>Вставити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Classify the image or image files on the clipboard</source>
        <translation>Класифікувати зображення або файли зображень із буфера обміну</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Remove Selected</source>
        <translation>Вилу&amp;чити вибрані</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation>Вилучити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove the selected images from the list</source>
        <translation>Вилучити вибрані зображення зі списку</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Clear All</source>
        <translation>&amp;Очистити все</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Clear</source>
        <translation>Очистити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove every image from the list</source>
        <translation>Вилучити всі зображення зі списку</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Cancel Classification</source>
        <translation>&amp;Скасувати класифікацію</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop</source>
        <translation>Зупинити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop classifying the remaining images</source>
        <translation>Не класифікувати решту зображень</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Pre&amp;ferences…</source>
        <translation>&amp;Налаштування…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Settings</source>
        <translation>Налаштування</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Language, theme, the "not sure" threshold and the History</source>
        <translation>Мова, тема, поріг «невпевнено» та історія</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Open Model…</source>
        <translation>&amp;Відкрити модель…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open Model</source>
        <translation>Відкрити модель</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Use another .h5 or .keras model</source>
        <translation>Використати іншу модель .h5 або .keras</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Train / Fine-tune…</source>
        <translation>&amp;Навчити / донавчити…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Train</source>
        <translation>Навчити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fine-tune the model on your own class folders, or train a new one</source>
        <translation>Донавчити модель на ваших теках із класами або навчити нову</translation>
    </message>
    <message>
        <location line="+3" />
        <source>InfinityVision &amp;Help</source>
        <translation>&amp;Довідка InfinityVision</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Help</source>
        <translation>Довідка</translation>
    </message>
    <message>
        <location line="+1" />
        <source>How to use InfinityVision, and its keyboard shortcuts</source>
        <translation>Як користуватися InfinityVision і клавіатурні скорочення</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;About InfinityVision</source>
        <translation>&amp;Про InfinityVision</translation>
    </message>
    <message>
        <location line="+1" />
        <source>About</source>
        <translation>Про програму</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Versions, and where the active model comes from</source>
        <translation>Версії та походження активної моделі</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+1" />
        <source>Clear Recent</source>
        <translation>Очистити список</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Empty the list of recent files</source>
        <translation>Очистити список недавніх файлів</translation>
    </message>
    <message>
        <location line="+8" />
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open &amp;Recent</source>
        <translation>Відкрити &amp;недавнє</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Edit</source>
        <translation>&amp;Зміни</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Model</source>
        <translation>&amp;Модель</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Help</source>
        <translation>&amp;Довідка</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Toolbar</source>
        <translation>Панель інструментів</translation>
    </message>
    <message>
        <location filename="../../infinityvision_desktop/gui/main_window.py" line="+130" />
        <source>Classify</source>
        <translation>Класифікація</translation>
    </message>
    <message>
        <location line="+1" />
        <source>History</source>
        <translation>Історія</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Views</source>
        <translation>Розділи</translation>
    </message>
    <message>
        <location line="+135" />
        <source>No images found in {0}</source>
        <translation>У {0} не знайдено зображень</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>(%n other file(s) skipped: not images)</source>
        <translation>
            <numerusform>(пропущено %n інший файл: не зображення)</numerusform>
            <numerusform>(пропущено %n інші файли: не зображення)</numerusform>
            <numerusform>(пропущено %n інших файлів: не зображення)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11" />
        <source>the model</source>
        <translation>модель</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stored answer ({0}, {1}): {2} is no longer there</source>
        <translation>Збережена відповідь ({0}, {1}): файлу {2} більше немає</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stored answer ({0}, {1}) for a pasted image</source>
        <translation>Збережена відповідь ({0}, {1}) для вставленого зображення</translation>
    </message>
    <message>
        <location line="+36" />
        <source>Export failed</source>
        <translation>Не вдалося експортувати</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Could not write {0}: {1}</source>
        <translation>Не вдалося записати {0}: {1}</translation>
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>Exported %n result(s) to {0}</source>
        <translation>
            <numerusform>Експортовано %n результат у {0}</numerusform>
            <numerusform>Експортовано %n результати в {0}</numerusform>
            <numerusform>Експортовано %n результатів у {0}</numerusform>
        </translation>
    </message>
    <message>
        <location line="+103" />
        <source>Model not loaded</source>
        <translation>Модель не завантажено</translation>
    </message>
    <message>
        <location line="+1" />
        <source>{0} could not be used: {1}</source>
        <translation>Не вдалося використати {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../infinityvision_desktop/gui/window_actions.py" line="+30" />
        <source>No recent files</source>
        <translation>Немає недавніх файлів</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Images ({0});;All files (*)</source>
        <translation>Зображення ({0});;Усі файли (*)</translation>
    </message>
</context>
<context>
    <name>MessageBanner</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/widgets/message_banner.py" line="+34" />
        <location line="+1" />
        <source>Hide this message</source>
        <translation>Сховати це повідомлення</translation>
    </message>
</context>
<context>
    <name>ModelFileActions</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/teach_model_file.py" line="+33" />
        <location line="+31" />
        <source>Save Model As</source>
        <translation>Зберегти модель як</translation>
    </message>
    <message>
        <location line="-31" />
        <source>Keras model (*.h5)</source>
        <translation>Модель Keras (*.h5)</translation>
    </message>
</context>
<context>
    <name>ModelNamePanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_output.py" line="+36" />
        <source>Save as</source>
        <translation>Зберегти як</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The model's name; leave empty for a name from the data and the date</source>
        <translation>Назва моделі; залиште порожньою, щоб утворити назву з даних і дати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model name</source>
        <translation>Назва моделі</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Name from the data and the date</source>
        <translation>Назва з даних і дати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Saved in {0}</source>
        <translation>Зберігається в {0}</translation>
    </message>
</context>
<context>
    <name>ModelView</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/model_view.py" line="+162" />
        <source>Training</source>
        <translation>Навчання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Evaluation</source>
        <translation>Оцінювання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Architecture</source>
        <translation>Архітектура</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Comparison of models</source>
        <translation>Порівняння моделей</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy as Text</source>
        <translation>Копіювати як текст</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy the per-class report as plain text (class names in English)</source>
        <translation>Скопіювати звіт за класами як простий текст (назви класів англійською)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy as CSV</source>
        <translation>Копіювати як CSV</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy the per-class report as CSV (class names in English)</source>
        <translation>Скопіювати звіт за класами у форматі CSV (назви класів англійською)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Per-class report</source>
        <translation>Звіт за класами</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Layers</source>
        <translation>Шари</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+68" />
        <source>No model</source>
        <translation>Немає моделі</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open a model or train one to see how it learned and how it scores.</source>
        <translation>Відкрийте модель або навчіть нову, щоб побачити, як вона навчалася і які в неї результати.</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+1" />
        <source>No model is active.</source>
        <translation>Немає активної моделі.</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Unnamed model</source>
        <translation>Модель без назви</translation>
    </message>
    <message numerus="yes">
        <location line="+15" />
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n клас</numerusform>
            <numerusform>%n класи</numerusform>
            <numerusform>%n класів</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1" />
        <source>input {0}×{1}</source>
        <translation>вхід {0}×{1}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>test accuracy {0}</source>
        <translation>точність на тесті {0}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>trained {0}</source>
        <translation>навчено {0}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>on {0}</source>
        <translation>на {0}</translation>
    </message>
    <message>
        <location line="+12" />
        <source>This model combines networks trained separately; it has no curves of its own:</source>
        <translation>Ця модель поєднує мережі, навчені окремо; власних кривих навчання вона не має:</translation>
    </message>
    <message>
        <location line="+5" />
        <source>{0}: test accuracy {1}, weight {2}</source>
        <translation>{0}: точність на тесті {1}, вага {2}</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Where the first is at least {0} sure, it answers alone and the second is not run.</source>
        <translation>Коли перша мережа впевнена щонайменше на {0}, вона відповідає сама, а друга не запускається.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Photos of 64 px and more are also shown to the ImageNet classifier at 224 px: its opinion weighs the answer, and a photo it sees as none of the classes says what it looks like.</source>
        <translation>Фото від 64 px також показуються класифікатору ImageNet у 224 px: його думка впливає на відповідь, а фото, яке він не відносить до жодного з класів, каже, на що воно схоже.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Each network's curves are in its own model file.</source>
        <translation>Криві кожної мережі зберігаються в її власному файлі моделі.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>This model has no training history stored.
Models trained in this app keep their accuracy and loss per epoch.</source>
        <translation>У цій моделі не збережено історії навчання.
Моделі, навчені в цій програмі, зберігають точність і втрати для кожної епохи.</translation>
    </message>
    <message>
        <location line="+15" />
        <source>The stored evaluation cannot be read: {0}</source>
        <translation>Не вдалося прочитати збережене оцінювання: {0}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>This model has no evaluation stored: evaluate it on held-out images (infinityvision evaluate) or train it here.</source>
        <translation>У цій моделі не збережено оцінювання: оцініть її на відкладених зображеннях (infinityvision evaluate) або навчіть її тут.</translation>
    </message>
    <message numerus="yes">
        <location line="+7" />
        <source>Accuracy {0} on %Ln test image(s) · macro F1 {1} · calibration error {2}</source>
        <translation>
            <numerusform>Точність {0} на %Ln тестовому зображенні · макро-F1 {1} · похибка калібрування {2}</numerusform>
            <numerusform>Точність {0} на %Ln тестових зображеннях · макро-F1 {1} · похибка калібрування {2}</numerusform>
            <numerusform>Точність {0} на %Ln тестових зображеннях · макро-F1 {1} · похибка калібрування {2}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>Accuracy {0} on %Ln validation image(s) (no test split was stored) · macro F1 {1} · calibration error {2}</source>
        <translation>
            <numerusform>Точність {0} на %Ln валідаційному зображенні (тестової вибірки не збережено) · макро-F1 {1} · похибка калібрування {2}</numerusform>
            <numerusform>Точність {0} на %Ln валідаційних зображеннях (тестової вибірки не збережено) · макро-F1 {1} · похибка калібрування {2}</numerusform>
            <numerusform>Точність {0} на %Ln валідаційних зображеннях (тестової вибірки не збережено) · макро-F1 {1} · похибка калібрування {2}</numerusform>
        </translation>
    </message>
    <message>
        <location line="+18" />
        <source>No confusion matrix stored.</source>
        <translation>Матрицю помилок не збережено.</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Input {0}×{1}</source>
        <translation>Вхід {0}×{1}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>file {0}</source>
        <translation>файл {0}</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Layer details appear once the model is loaded.</source>
        <translation>Подробиці про шари з’являться, щойно модель завантажиться.</translation>
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>%n layer(s) · {0} parameters: {1} trainable, {2} frozen · input {3}×{4} · file {5}</source>
        <translation>
            <numerusform>%n шар · параметрів: {0} (навчаються: {1}, заморожено: {2}) · вхід {3}×{4} · файл {5}</numerusform>
            <numerusform>%n шари · параметрів: {0} (навчаються: {1}, заморожено: {2}) · вхід {3}×{4} · файл {5}</numerusform>
            <numerusform>%n шарів · параметрів: {0} (навчаються: {1}, заморожено: {2}) · вхід {3}×{4} · файл {5}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoGridPanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/teach_photo_grid.py" line="+92" />
        <source>Photos of the selected class</source>
        <translation>Фото вибраного класу</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add Photos…</source>
        <translation>Додати фото…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add Folder…</source>
        <translation>Додати теку…</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+105" />
        <source>Paste</source>
        <translation>Вставити</translation>
    </message>
    <message>
        <location line="-104" />
        <source>Add the image or image files on the clipboard to this class</source>
        <translation>Додати до цього класу зображення або файли зображень із буфера обміну</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation>Вилучити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Delete the selected copies from the project</source>
        <translation>Видалити вибрані копії з проєкту</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Add a class, then drop photos here.</source>
        <translation>Додайте клас, потім перетягніть сюди фото.</translation>
    </message>
    <message numerus="yes">
        <location line="+12" />
        <source>{0}: %n photo(s). Drop photos or folders here: they are copied into the project.</source>
        <translation>
            <numerusform>{0}: %n фото. Перетягніть сюди фото або теки: їх буде скопійовано в проєкт.</numerusform>
            <numerusform>{0}: %n фото. Перетягніть сюди фото або теки: їх буде скопійовано в проєкт.</numerusform>
            <numerusform>{0}: %n фото. Перетягніть сюди фото або теки: їх буде скопійовано в проєкт.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+51" />
        <source>Add Photos to '{0}'</source>
        <translation>Додати фото до «{0}»</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Images ({0})</source>
        <translation>Зображення ({0})</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Add a Folder of Photos to '{0}'</source>
        <translation>Додати теку з фото до «{0}»</translation>
    </message>
    <message>
        <location line="+18" />
        <source>The clipboard holds no image.</source>
        <translation>У буфері обміну немає зображення.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Remove Photos</source>
        <translation>Вилучити фото</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>Delete %n photo(s) from the project? The photos you added them from are not touched.</source>
        <translation>
            <numerusform>Видалити %n фото з проєкту? Фото, з яких їх додано, залишаться на місці.</numerusform>
            <numerusform>Видалити %n фото з проєкту? Фото, з яких їх додано, залишаться на місці.</numerusform>
            <numerusform>Видалити %n фото з проєкту? Фото, з яких їх додано, залишаться на місці.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Preferences</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/i18n.py" line="+6" />
        <source>System ({0})</source>
        <translation>Як у системі ({0})</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/preferences_dialog.py" line="+115" />
        <source>Preferences</source>
        <translation>Налаштування</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Appearance</source>
        <translation>Вигляд</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Language:</source>
        <translation>&amp;Мова:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Language</source>
        <translation>Мова</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The language of the interface; it changes at once</source>
        <translation>Мова інтерфейсу; змінюється відразу</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Theme:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Theme</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Light or dark windows and charts, or as the desktop is set</source>
        <translation>Світлі чи темні вікна й діаграми або як налаштовано в системі</translation>
    </message>
    <message>
        <location line="+1" />
        <source>System</source>
        <translation>Як у системі</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Light</source>
        <translation>Світла</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Dark</source>
        <translation>Темна</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Answers</source>
        <translation>Відповіді</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Call an answer "not sure" below</source>
        <translation>Позначати «невпевнено» нижче за</translation>
    </message>
    <message>
        <location line="+1" />
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location line="+1" />
        <source>"Not sure" threshold</source>
        <translation>Поріг «невпевнено»</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Answers less confident than this are shown as "not sure"</source>
        <translation>Відповіді з меншою впевненістю показуються як «невпевнено»</translation>
    </message>
    <message>
        <location line="+2" />
        <source>History</source>
        <translation>Історія</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keep a history of classified images</source>
        <translation>Вести історію класифікованих зображень</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Forget entries older than</source>
        <translation>&amp;Забувати записи, старші за</translation>
    </message>
    <message>
        <location line="+1" />
        <source>never</source>
        <translation>ніколи</translation>
    </message>
    <message>
        <location line="+1" />
        <source> days</source>
        <translation> дн.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Applied when InfinityVision starts. The image files are never touched.</source>
        <translation>Застосовується під час запуску InfinityVision. Файли зображень ніколи не змінюються.</translation>
    </message>
    <message>
        <location line="+54" />
        <source>No model is loaded: each model brings its own threshold, set when it was calibrated.</source>
        <translation>Жодну модель не завантажено: кожна модель має власний поріг, визначений під час калібрування.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The active model's own threshold, set when it was calibrated: {0}%.</source>
        <translation>Власний поріг активної моделі, визначений під час калібрування: {0}%.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>It is used while this box is not ticked.</source>
        <translation>Він діє, поки прапорець не встановлено.</translation>
    </message>
</context>
<context>
    <name>ProjectBar</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/teach_project_bar.py" line="+43" />
        <source>New Project…</source>
        <translation>Новий проєкт…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Start a project in a new or empty folder</source>
        <translation>Почати проєкт у новій або порожній теці</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open Project…</source>
        <translation>Відкрити проєкт…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open a folder with one sub-folder of photos per class</source>
        <translation>Відкрити теку, у якій для кожного класу є підтека з фото</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Recent</source>
        <translation>Недавні</translation>
    </message>
    <message>
        <location line="+5" />
        <source>No project open: start one, or open a folder of class folders</source>
        <translation>Проєкт не відкрито: почніть новий або відкрийте теку з теками класів</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Project: {0}</source>
        <translation>Проєкт: {0}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>New Project: choose or create an empty folder</source>
        <translation>Новий проєкт: виберіть або створіть порожню теку</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Open Project: a folder with one sub-folder per class</source>
        <translation>Відкрити проєкт: тека з підтекою для кожного класу</translation>
    </message>
    <message>
        <location line="+13" />
        <source>No recent projects</source>
        <translation>Недавніх проєктів немає</translation>
    </message>
</context>
<context>
    <name>ReportTableModel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/model_tables.py" line="-120" />
        <source>Class</source>
        <translation>Клас</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Precision</source>
        <translation>Влучність</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Recall</source>
        <translation>Повнота</translation>
    </message>
    <message>
        <location line="+0" />
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Support</source>
        <translation>Кількість</translation>
    </message>
    <message>
        <location line="+57" />
        <source>accuracy</source>
        <translation>точність</translation>
    </message>
    <message>
        <location line="+1" />
        <source>macro avg</source>
        <translation>макросереднє</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/widgets/results_table.py" line="+92" />
        <source>File</source>
        <translation>Файл</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Class</source>
        <translation>Клас</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Confidence</source>
        <translation>Впевненість</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation>Стан</translation>
    </message>
    <message>
        <location line="+85" />
        <source>unreadable</source>
        <translation>не вдалося прочитати</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Waiting for a model</source>
        <translation>Очікує на модель</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Classifying…</source>
        <translation>Класифікується…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Classifying again…</source>
        <translation>Класифікується знову…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cancelled</source>
        <translation>Скасовано</translation>
    </message>
    <message>
        <location line="+5" />
        <source>None of the ten: looks like {0}</source>
        <translation>Жоден із десяти класів: схоже на {0}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Not sure</source>
        <translation>Невпевнено</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>Classified (first of %n frame(s))</source>
        <translation>
            <numerusform>Класифіковано (перший із %n кадру)</numerusform>
            <numerusform>Класифіковано (перший із %n кадрів)</numerusform>
            <numerusform>Класифіковано (перший із %n кадрів)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1" />
        <source>Classified</source>
        <translation>Класифіковано</translation>
    </message>
</context>
<context>
    <name>ResumeBanner</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_resume_banner.py" line="+44" />
        <source>Resume</source>
        <translation>Продовжити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Discard</source>
        <translation>Відкинути</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Delete the unfinished run's checkpoint</source>
        <translation>Видалити контрольну точку незавершеного навчання</translation>
    </message>
    <message>
        <location line="+21" />
        <source>An unfinished run can be resumed: {0} on {1}, {2} of {3} epochs done ({4}).</source>
        <translation>Незавершене навчання можна продовжити: {0} на {1}, виконано епох: {2} з {3} ({4}).</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Resume Training?</source>
        <translation>Продовжити навчання?</translation>
    </message>
    <message>
        <location line="+2" />
        <source>A run of these settings stopped after {0} of {1} epochs ({2}). Resume from its checkpoint?

No starts again from the beginning and discards that checkpoint.</source>
        <translation>Навчання з такими параметрами зупинилося після {0} з {1} епох ({2}). Продовжити з його контрольної точки?

«Ні» — почати спочатку й відкинути цю контрольну точку.</translation>
    </message>
</context>
<context>
    <name>SortController</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/sort_action.py" line="+82" />
        <source>&amp;Sort Into Folders…</source>
        <translation>&amp;Розкласти по теках…</translation>
    </message>
    <message>
        <location line="-1" />
        <source>Copy each classified image into a folder named after its class</source>
        <translation>Скопіювати кожне класифіковане зображення в теку, названу за його класом</translation>
    </message>
    <message>
        <location line="+5" />
        <location line="+19" />
        <location line="+53" />
        <location line="+41" />
        <location line="+6" />
        <source>Sort Into Folders</source>
        <translation>Розкладання по теках</translation>
    </message>
    <message>
        <location line="-96" />
        <source>Images are still being classified. Sort them once every image has its answer.</source>
        <translation>Зображення ще класифікуються. Розкладіть їх, коли кожне отримає відповідь.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Nothing to sort: classify some image files first (pasted images have no file to copy).</source>
        <translation>Нічого розкладати: спершу класифікуйте файли зображень (у вставлених зображень немає файлу, який можна скопіювати).</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Sort Into Folders: choose where the class folders go</source>
        <translation>Розкладання по теках: виберіть, де створити теки класів</translation>
    </message>
    <message>
        <location line="+7" />
        <source>The originals stay where they are, and no file is overwritten.</source>
        <translation>Оригінали лишаються на місці, жоден файл не буде перезаписано.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>predictions.csv, beside the folders, lists every image and its answer.</source>
        <translation>У predictions.csv поруч із теками буде перелік усіх зображень і відповідей.</translation>
    </message>
    <message>
        <location line="-40" />
        <location line="+69" />
        <source>Copying images into class folders…</source>
        <translation>Копіювання зображень у теки класів…</translation>
    </message>
    <message>
        <location line="-68" />
        <location line="+68" />
        <source>Cancel</source>
        <translation>Скасувати</translation>
    </message>
    <message numerus="yes">
        <location line="-32" />
        <source>Copy %n image(s) into one folder per class in {0}?</source>
        <translation>
            <numerusform>Скопіювати %n зображення в теки класів у {0}?</numerusform>
            <numerusform>Скопіювати %n зображення в теки класів у {0}?</numerusform>
            <numerusform>Скопіювати %n зображень у теки класів у {0}?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>%n image(s) the model is not sure about go to not_sure/.</source>
        <translation>
            <numerusform>%n зображення, щодо якого модель невпевнена, потрапить до not_sure/.</numerusform>
            <numerusform>%n зображення, щодо яких модель невпевнена, потраплять до not_sure/.</numerusform>
            <numerusform>%n зображень, щодо яких модель невпевнена, потраплять до not_sure/.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%n unreadable image(s) are listed in the CSV, not copied.</source>
        <translation>
            <numerusform>%n зображення, яке не вдалося прочитати, буде в переліку CSV, але не скопійоване.</numerusform>
            <numerusform>%n зображення, які не вдалося прочитати, будуть у переліку CSV, але не скопійовані.</numerusform>
            <numerusform>%n зображень, які не вдалося прочитати, будуть у переліку CSV, але не скопійовані.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+51" />
        <source>none</source>
        <translation>жодної</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>Copied %n image(s) into {0} ({1}).</source>
        <translation>
            <numerusform>Скопійовано %n зображення в {0} ({1}).</numerusform>
            <numerusform>Скопійовано %n зображення в {0} ({1}).</numerusform>
            <numerusform>Скопійовано %n зображень у {0} ({1}).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>%n copy(ies) were given a new name because the name was taken.</source>
        <translation>
            <numerusform>%n копія отримала нову назву, бо таку назву вже було зайнято.</numerusform>
            <numerusform>%n копії отримали нові назви, бо такі назви вже було зайнято.</numerusform>
            <numerusform>%n копій отримали нові назви, бо такі назви вже було зайнято.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%n image(s) could not be copied; the first: {0}: {1}</source>
        <translation>
            <numerusform>Не вдалося скопіювати %n зображення; перше: {0}: {1}</numerusform>
            <numerusform>Не вдалося скопіювати %n зображення; перше: {0}: {1}</numerusform>
            <numerusform>Не вдалося скопіювати %n зображень; перше: {0}: {1}</numerusform>
        </translation>
    </message>
    <message>
        <location line="-5" />
        <source>Cancelled. </source>
        <translation>Скасовано. </translation>
    </message>
    <message>
        <location line="+8" />
        <source>Every prediction is listed in {0}.</source>
        <translation>Усі відповіді перелічено в {0}.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Nothing was copied: {0}</source>
        <translation>Нічого не скопійовано: {0}</translation>
    </message>
</context>
<context>
    <name>StartFromPanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_start_panel.py" line="+63" />
        <source>Start from</source>
        <translation>З чого почати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Train the fast airbench network from scratch</source>
        <translation>Навчити швидку мережу airbench з нуля</translation>
    </message>
    <message>
        <location line="+1" />
        <source>VGG16 transfer learning (ImageNet weights)</source>
        <translation>Перенесення навчання з VGG16 (ваги ImageNet)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>EfficientNet-Lite0 transfer learning (ImageNet weights; best for your own classes)</source>
        <translation>Перенесення навчання EfficientNet-Lite0 (ваги ImageNet; найкраще для власних класів)</translation>
    </message>
    <message>
        <location line="+36" />
        <source>Fine-tune the active model</source>
        <translation>Донавчити активну модель</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No model is active.</source>
        <translation>Немає активної моделі.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Fine-tune {0}</source>
        <translation>Донавчити {0}</translation>
    </message>
    <message>
        <location line="+4" />
        <source>It combines two networks and cannot be fine-tuned as one: start from EfficientNet-Lite0's ImageNet weights below.</source>
        <translation>Ця модель поєднує дві мережі, і її не можна донавчити як одну: почніть з ваг ImageNet мережі EfficientNet-Lite0 нижче.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Its class names are unknown: a new output layer is trained.</source>
        <translation>Назви її класів невідомі: буде навчено новий вихідний шар.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>{0} classes, {1}×{2} input</source>
        <translation>класів: {0}, вхід {1}×{2}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Same classes as the data: its output layer is kept.</source>
        <translation>Класи ті самі, що й у даних: її вихідний шар збережеться.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Its classes differ from the data's: a new output layer is trained.</source>
        <translation>Її класи відрізняються від класів у даних: буде навчено новий вихідний шар.</translation>
    </message>
</context>
<context>
    <name>TeachActions</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/teach_actions.py" line="+59" />
        <source>Teach</source>
        <translation>Свої класи</translation>
    </message>
    <message>
        <location line="+36" />
        <source>To correct an answer, drop the photo on a class in the Teach tab (hold it over the tab's title to open it).</source>
        <translation>Щоб виправити відповідь, перетягніть фото на клас у вкладці «Свої класи» (затримайте його над назвою вкладки, щоб її відкрити).</translation>
    </message>
    <message>
        <location line="+25" />
        <source>there is no image of it to copy</source>
        <translation>немає зображення, яке можна скопіювати</translation>
    </message>
    <message>
        <location line="+46" />
        <source>the photo is no longer at {0}</source>
        <translation>фото більше немає за адресою {0}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a pasted image has no file</source>
        <translation>вставлене зображення не має файлу</translation>
    </message>
    <message>
        <location line="+3" />
        <source>{0} cannot be corrected: {1}, and the history holds no thumbnail of it.</source>
        <translation>{0} не можна виправити: {1}, а мініатюри в історії немає.</translation>
    </message>
    <message>
        <location line="+11" />
        <source>{0}: {1}, so its thumbnail from the history was copied into '{2}' of the teach project {3} as a correction. Train it again to use it.</source>
        <translation>{0}: {1}, тому його мініатюру з історії скопійовано в клас «{2}» навчального проєкту {3} як виправлення. Навчіть модель ще раз, щоб її врахувати.</translation>
    </message>
    <message>
        <location line="+31" />
        <source>This Is a…</source>
        <translation>Насправді це…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy the photo into the model's teach project as a correction</source>
        <translation>Скопіювати фото в навчальний проєкт моделі як виправлення</translation>
    </message>
    <message>
        <location line="-94" />
        <location line="+6" />
        <location line="+52" />
        <source>Not copied: {0}</source>
        <translation>Не скопійовано: {0}</translation>
    </message>
    <message>
        <location line="+53" />
        <source>{0} copied into '{1}' of the teach project {2} as a correction: train it again to use it.</source>
        <translation>{0} скопійовано в клас «{1}» навчального проєкту {2} як виправлення: навчіть модель ще раз, щоб його врахувати.</translation>
    </message>
</context>
<context>
    <name>TeachView</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/teach_view.py" line="+232" />
        <location line="+130" />
        <source>Train</source>
        <translation>Навчити</translation>
    </message>
    <message>
        <location line="-222" />
        <location line="+34" />
        <location line="+137" />
        <source>Teach</source>
        <translation>Свої класи</translation>
    </message>
    <message>
        <location line="-121" />
        <source>Add Class</source>
        <translation>Додати клас</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Rename Class</source>
        <translation>Перейменувати клас</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Delete Class</source>
        <translation>Видалити клас</translation>
    </message>
    <message>
        <location line="+139" />
        <location line="+4" />
        <source>Add Photos</source>
        <translation>Додати фото</translation>
    </message>
    <message numerus="yes">
        <location line="-4" />
        <source>%n file(s) not added:</source>
        <translation>
            <numerusform>Не додано %n файл:</numerusform>
            <numerusform>Не додано %n файли:</numerusform>
            <numerusform>Не додано %n файлів:</numerusform>
        </translation>
    </message>
    <message>
        <location line="+53" />
        <source>Remove Photos</source>
        <translation>Вилучити фото</translation>
    </message>
    <message>
        <location line="-18" />
        <source>Saved as {0}</source>
        <translation>Збережено як {0}</translation>
    </message>
</context>
<context>
    <name>TrainPanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/teach_train_panel.py" line="+79" />
        <source>Confusion matrix of the held-out photos</source>
        <translation>Матриця помилок на відкладених фото</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training progress</source>
        <translation>Перебіг навчання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Train</source>
        <translation>Навчити</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancel</source>
        <translation>Скасувати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Train Deeper…</source>
        <translation>Навчити глибше…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Fine-tune the whole network on the project's photos (minutes, in the training dialog): for a few hundred photos a class or more</source>
        <translation>Донавчити всю мережу на фото проєкту (хвилини, у вікні навчання): для кількох сотень фото на клас і більше</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Train to see which classes the model mixes up.</source>
        <translation>Навчіть модель, щоб побачити, які класи вона плутає.</translation>
    </message>
    <message>
        <location line="+22" />
        <source>add at least two classes</source>
        <translation>додайте щонайменше два класи</translation>
    </message>
    <message>
        <location line="+1" />
        <source>'{0}' needs {1} more</source>
        <translation>«{0}» потребує ще {1}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>each class needs at least {0} photos: {1}</source>
        <translation>у кожному класі має бути щонайменше {0} фото: {1}</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Make a few classes, put about 20 photos in each, press Train.</source>
        <translation>Створіть кілька класів, додайте в кожен приблизно 20 фото і натисніть «Навчити».</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Not ready: {0}.</source>
        <translation>Ще не готово: {0}.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The project changed since the last training: train again.</source>
        <translation>Проєкт змінився після останнього навчання: навчіть модель ще раз.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Ready: press Train.</source>
        <translation>Готово: натисніть «Навчити».</translation>
    </message>
    <message>
        <location line="+3" />
        <source>A model trained earlier is in the project: try it, or train again.</source>
        <translation>У проєкті є модель, навчена раніше: спробуйте її або навчіть ще раз.</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Training…</source>
        <translation>Навчання…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Stopping…</source>
        <translation>Зупинка…</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Looking at the photos: {0} of {1}</source>
        <translation>Модель розглядає фото: {0} з {1}</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fitting and cross-validating…</source>
        <translation>Навчання і перехресна перевірка…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Saving the model…</source>
        <translation>Збереження моделі…</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Training cancelled: the previous model is unchanged.</source>
        <translation>Навчання скасовано: попередня модель не змінилася.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Not trained: {0}</source>
        <translation>Не навчено: {0}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>{0} of held-out photos right</source>
        <translation>Правильно {0} відкладених фото</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>Trained in {0} s on %n photo(s); held out by {1}: each photo was answered by a model that had not seen it.</source>
        <translation>
            <numerusform>Навчено за {0} с на %n фото; перевірка: {1}, кожне фото оцінювала модель, яка його не бачила.</numerusform>
            <numerusform>Навчено за {0} с на %n фото; перевірка: {1}, кожне фото оцінювала модель, яка його не бачила.</numerusform>
            <numerusform>Навчено за {0} с на %n фото; перевірка: {1}, кожне фото оцінювала модель, яка його не бачила.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>%n correction(s) used.</source>
        <translation>
            <numerusform>Враховано %n виправлення.</numerusform>
            <numerusform>Враховано %n виправлення.</numerusform>
            <numerusform>Враховано %n виправлень.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9" />
        <source>{0}-fold cross-validation</source>
        <translation>перехресна перевірка на {0} частинах</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a stratified {0}% split</source>
        <translation>стратифікована частка {0}%</translation>
    </message>
</context>
<context>
    <name>TrainingCurves</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/widgets/training_charts.py" line="+139" />
        <source>epoch</source>
        <translation>епоха</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+113" />
        <source>train</source>
        <translation>навчання</translation>
    </message>
    <message>
        <location line="-113" />
        <source>validation</source>
        <translation>валідація</translation>
    </message>
    <message>
        <location line="+0" />
        <source>best epoch</source>
        <translation>найкраща епоха</translation>
    </message>
    <message>
        <location line="+108" />
        <source>Accuracy</source>
        <translation>Точність</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Loss</source>
        <translation>Втрати</translation>
    </message>
    <message>
        <location line="+4" />
        <source>head</source>
        <translation>вихідний шар</translation>
    </message>
    <message>
        <location line="+0" />
        <source>fine-tune</source>
        <translation>донавчання</translation>
    </message>
    <message>
        <location line="+67" />
        <source>best: {0} at epoch {1}</source>
        <translation>найкраще: {0} в епосі {1}</translation>
    </message>
</context>
<context>
    <name>TrainingDataPanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_data_panel.py" line="+91" />
        <source>Data</source>
        <translation>Дані</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A folder with one sub-folder per class, or the CIFAR-10 .tar.gz</source>
        <translation>Тека з підтекою для кожного класу або архів CIFAR-10 .tar.gz</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training data</source>
        <translation>Дані для навчання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Browse…</source>
        <translation>Огляд…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose a folder of class folders, or an archive of one</source>
        <translation>Вибрати теку з теками класів або її архів</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Class &amp;Folders…</source>
        <translation>&amp;Теки класів…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Archive (.tar.gz)…</source>
        <translation>&amp;Архів (.tar.gz)…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Images per class</source>
        <translation>Зображень у кожному класі</translation>
    </message>
    <message>
        <location line="+62" />
        <source>Scanning {0}…</source>
        <translation>Перегляд {0}…</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Cannot train on this data: {0}</source>
        <translation>На цих даних навчати не можна: {0}</translation>
    </message>
    <message>
        <location line="+11" />
        <source>{0} classes, {1} training images</source>
        <translation>класів: {0}, навчальних зображень: {1}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>{0} test images</source>
        <translation>тестових зображень: {0}</translation>
    </message>
    <message>
        <location line="+2" />
        <source>no test split: {0}% of the images are held out</source>
        <translation>тестової вибірки немає: відкладається {0}% зображень</translation>
    </message>
    <message>
        <location line="+2" />
        <source>{0} files skipped (not images)</source>
        <translation>пропущено файлів (не зображення): {0}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Images</source>
        <translation>Зображення</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Train</source>
        <translation>Навчання</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Test</source>
        <translation>Тест</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Class</source>
        <translation>Клас</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Skipped files:
{0}</source>
        <translation>Пропущені файли:
{0}</translation>
    </message>
    <message>
        <location line="+22" />
        <source>Choose the Folder of Class Folders</source>
        <translation>Виберіть теку з теками класів</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Choose a Dataset Archive</source>
        <translation>Виберіть архів набору даних</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Archives (*.tar.gz *.tgz *.tar)</source>
        <translation>Архіви (*.tar.gz *.tgz *.tar)</translation>
    </message>
</context>
<context>
    <name>TrainingDialog</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_dialog.py" line="+163" />
        <source>Train or Fine-tune a Model</source>
        <translation>Навчання або донавчання моделі</translation>
    </message>
    <message>
        <location line="+11" />
        <source>&amp;Start</source>
        <translation>&amp;Почати</translation>
    </message>
    <message>
        <location line="+1" />
        <source>S&amp;top Training</source>
        <translation>&amp;Зупинити навчання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop after the current batch and keep the best weights so far</source>
        <translation>Зупинитися після поточного пакета й зберегти найкращі на цей момент ваги</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save &amp;As…</source>
        <translation>Зберегти &amp;як…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Use This Model</source>
        <translation>&amp;Використати цю модель</translation>
    </message>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_output.py" line="+57" />
        <source>There is no trained model to save yet.</source>
        <translation>Поки що немає навченої моделі, яку можна зберегти.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>The bundled model is never overwritten: choose another name or folder.</source>
        <translation>Вбудована модель ніколи не перезаписується: виберіть іншу назву чи теку.</translation>
    </message>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_dialog.py" line="+126" />
        <source>Saved a copy as {0}</source>
        <translation>Збережено копію як {0}</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Stop Training?</source>
        <translation>Зупинити навчання?</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop training and keep the best weights?</source>
        <translation>Зупинити навчання й зберегти найкращі ваги?</translation>
    </message>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_output.py" line="+15" />
        <location line="+11" />
        <source>Save Model As</source>
        <translation>Збереження моделі</translation>
    </message>
    <message>
        <location line="-9" />
        <source>Keras model (*{0})</source>
        <translation>Модель Keras (*{0})</translation>
    </message>
    <message>
        <location line="+10" />
        <source>The model could not be saved:
{0}</source>
        <translation>Не вдалося зберегти модель:
{0}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Saved as {0}.</source>
        <translation>Збережено як {0}.</translation>
    </message>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_dialog.py" line="+118" />
        <source>Discarded the checkpoint in {0}</source>
        <translation>Контрольну точку в {0} відкинуто</translation>
    </message>
</context>
<context>
    <name>TrainingRunPanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_run_panel.py" line="+110" />
        <source>Curves</source>
        <translation>Криві</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Evaluation</source>
        <translation>Оцінювання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Log</source>
        <translation>Журнал</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training views</source>
        <translation>Розділи навчання</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Training log</source>
        <translation>Журнал навчання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training progress</source>
        <translation>Перебіг навчання</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Not started</source>
        <translation>Не розпочато</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+32" />
        <source>The held-out evaluation appears here when training ends.</source>
        <translation>Оцінювання на відкладених даних з’явиться тут, коли навчання завершиться.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Resuming from the checkpoint…</source>
        <translation>Продовження з контрольної точки…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training {0} → {1}</source>
        <translation>Навчання: {0} → {1}</translation>
    </message>
    <message>
        <location line="+22" />
        <location line="+31" />
        <source>Stopping…</source>
        <translation>Зупинка…</translation>
    </message>
    <message>
        <location line="-30" />
        <source>Stopping after the current batch; the best weights so far are then saved.</source>
        <translation>Зупинка після поточного пакета; тоді буде збережено найкращі на цей момент ваги.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop requested</source>
        <translation>Надіслано запит на зупинку</translation>
    </message>
    <message>
        <location line="+29" />
        <source>Reading images…</source>
        <translation>Читання зображень…</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Stage {0} of {1}: {2}</source>
        <translation>Етап {0} з {1}: {2}</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Stage {0}: {1}, {2} epochs of {3} batches, learning rate {4:g}</source>
        <translation>Етап {0}: {1}, епох: {2}, пакетів в епосі: {3}, швидкість навчання {4:g}</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Epoch {0} of {1} · batch {2}/{3} · loss {4}</source>
        <translation>Епоха {0} з {1} · пакет {2}/{3} · втрати {4}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>estimating time left…</source>
        <translation>оцінювання часу, що лишився…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>about {0} left</source>
        <translation>лишилося приблизно {0}</translation>
    </message>
    <message>
        <location line="+7" />
        <source>, validation accuracy {0:.1%}</source>
        <translation>, валідаційна точність {0:.1%}</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Epoch {0} ({1} {2}/{3}): loss {4:.3f}, accuracy {5:.1%}{6}, {7:.0f} s</source>
        <translation>Епоха {0} ({1} {2}/{3}): втрати {4:.3f}, точність {5:.1%}{6}, {7:.0f} с</translation>
    </message>
    <message>
        <location line="+19" />
        <location line="+10" />
        <location line="+72" />
        <source>Stopped</source>
        <translation>Зупинено</translation>
    </message>
    <message>
        <location line="-81" />
        <source>Stopped before the first epoch ended: nothing was kept.</source>
        <translation>Зупинено до кінця першої епохи: нічого не збережено.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Finished</source>
        <translation>Завершено</translation>
    </message>
    <message>
        <location line="+1" />
        <source> (best epoch: {0})</source>
        <translation> (найкраща епоха: {0})</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Stopped after {0}: the best weights{1} are saved as {2}.</source>
        <translation>Зупинено через {0}: найкращі ваги{1} збережено як {2}.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Finished in {0}{1}; saved as {2}.</source>
        <translation>Завершено за {0}{1}; збережено як {2}.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>No held-out images: nothing to evaluate on.</source>
        <translation>Немає відкладених зображень: немає на чому оцінювати.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Keep a validation share or add a test/ folder to see a confusion matrix.</source>
        <translation>Залиште частку для валідації або додайте теку test/, щоб побачити матрицю помилок.</translation>
    </message>
    <message numerus="yes">
        <location line="+5" />
        <source>Held-out accuracy: {0} on %Ln test image(s)</source>
        <translation>
            <numerusform>Точність на відкладених даних: {0} (%Ln тестове зображення)</numerusform>
            <numerusform>Точність на відкладених даних: {0} (%Ln тестові зображення)</numerusform>
            <numerusform>Точність на відкладених даних: {0} (%Ln тестових зображень)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5" />
        <source>Macro F1 {0}. The test images were never used in training.</source>
        <translation>Макро-F1 {0}. Тестові зображення в навчанні не використовувалися.</translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>Held-out accuracy: {0} on %Ln validation image(s)</source>
        <translation>
            <numerusform>Точність на відкладених даних: {0} (%Ln валідаційне зображення)</numerusform>
            <numerusform>Точність на відкладених даних: {0} (%Ln валідаційні зображення)</numerusform>
            <numerusform>Точність на відкладених даних: {0} (%Ln валідаційних зображень)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6" />
        <source>The data has no test/ folder, so this is the validation share, which also chose the best epoch: expect a little less on new photos.</source>
        <translation>У даних немає теки test/, тож це валідаційна частка, за якою також вибрано найкращу епоху: на нових фото очікуйте трохи меншої точності.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Failed</source>
        <translation>Помилка</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Training failed: {0}</source>
        <translation>Навчання не вдалося: {0}</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Failed: {0}</source>
        <translation>Помилка: {0}</translation>
    </message>
    <message>
        <location line="+30" />
        <source>training the new output layer</source>
        <translation>навчання нового вихідного шару</translation>
    </message>
    <message>
        <location line="+1" />
        <source>fine-tuning the top blocks</source>
        <translation>донавчання верхніх блоків</translation>
    </message>
    <message>
        <location line="+1" />
        <source>training every layer</source>
        <translation>навчання всіх шарів</translation>
    </message>
    <message>
        <location line="+6" />
        <source>{0} s</source>
        <translation>{0} с</translation>
    </message>
    <message>
        <location line="+2" />
        <source>{0} min {1:02d} s</source>
        <translation>{0} хв {1:02d} с</translation>
    </message>
    <message>
        <location line="+1" />
        <source>{0} h {1:02d} min</source>
        <translation>{0} год {1:02d} хв</translation>
    </message>
</context>
<context>
    <name>TrainingSettingsPanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/training_settings_panel.py" line="+114" />
        <source>Advanced: training settings</source>
        <translation>Додатково: параметри навчання</translation>
    </message>
    <message>
        <location line="+2" />
        <source> px</source>
        <translation> пікс.</translation>
    </message>
    <message>
        <location line="+1" />
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location line="+1" />
        <source>off</source>
        <translation>вимкнено</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Random left-right flips</source>
        <translation>Випадкові віддзеркалення</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Auto</source>
        <translation>Автоматично</translation>
    </message>
    <message>
        <location line="+1" />
        <source>On (bfloat16)</source>
        <translation>Увімкнено (bfloat16)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Off (float32)</source>
        <translation>Вимкнено (float32)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>bfloat16 trains faster where the CPU computes it natively (AVX-512 BF16 or AMX); Auto uses it only there</source>
        <translation>bfloat16 навчається швидше там, де процесор обчислює його апаратно (AVX-512 BF16 або AMX); «Автоматично» вмикає його лише там</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Stage 1: only the new output layer learns; the base stays frozen</source>
        <translation>Етап 1: навчається лише новий вихідний шар; основа лишається замороженою</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stage 2 when fine-tuning (the top blocks learn too), or the whole run</source>
        <translation>Етап 2 під час донавчання (навчаються й верхні блоки) або все навчання</translation>
    </message>
    <message>
        <location line="+1" />
        <source>How many of the top blocks learn in stage 2</source>
        <translation>Скільки верхніх блоків навчається на етапі 2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Random shifts of up to this many pixels</source>
        <translation>Випадкові зсуви до цієї кількості пікселів</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Blank out a random square of this size (0: off)</source>
        <translation>Затирати випадковий квадрат такого розміру (0 — вимкнено)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop when validation accuracy has not improved for this many epochs</source>
        <translation>Зупинитися, якщо валідаційна точність не покращується стільки епох</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Share of the training images held out to pick the best epoch and calibrate</source>
        <translation>Частка навчальних зображень, відкладена для вибору найкращої епохи та калібрування</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Head epochs (stage 1):</source>
        <translation>Епох вихідного шару (етап 1):</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Batch size:</source>
        <translation>Розмір пакета:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Head learning rate (Adam):</source>
        <translation>Швидкість навчання вихідного шару (Adam):</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Learning rate (SGD, peak):</source>
        <translation>Швидкість навчання (SGD, пік):</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Blocks to unfreeze:</source>
        <translation>Скільки блоків розморозити:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Input size:</source>
        <translation>Розмір входу:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Augmentation:</source>
        <translation>Аугментація:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Translate:</source>
        <translation>Зсув:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cutout:</source>
        <translation>Вирізання (cutout):</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Label smoothing:</source>
        <translation>Згладжування міток:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Early-stopping patience:</source>
        <translation>Терпіння ранньої зупинки:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Validation share:</source>
        <translation>Частка для валідації:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Mixed precision:</source>
        <translation>Змішана точність:</translation>
    </message>
    <message>
        <location line="+109" />
        <source>Fine-tune epochs (stage 2):</source>
        <translation>Епох донавчання (етап 2):</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Epochs:</source>
        <translation>Епох:</translation>
    </message>
</context>
<context>
    <name>TryPanel</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/teach_try_panel.py" line="+93" />
        <source>Photo to try</source>
        <translation>Фото для спроби</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Probability of each class</source>
        <translation>Імовірність кожного класу</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Try it: drop a photo here</source>
        <translation>Спробуйте: перетягніть сюди фото</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open Photo…</source>
        <translation>Відкрити фото…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Heatmap</source>
        <translation>Теплова карта</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Colour the photo where the model found its answer</source>
        <translation>Розфарбувати фото там, де модель знайшла свою відповідь</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Use in Classify</source>
        <translation>Використати для класифікації</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Make this the active model of the Classify tab</source>
        <translation>Зробити цю модель активною на вкладці «Класифікація»</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save Model As…</source>
        <translation>Зберегти модель як…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export…</source>
        <translation>Експортувати…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save as .keras, .h5 or TensorFlow Lite, with its labels beside it</source>
        <translation>Зберегти як .keras, .h5 або TensorFlow Lite, з назвами класів поруч</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Drop a photo</source>
        <translation>Перетягніть фото</translation>
    </message>
    <message>
        <location line="+0" />
        <source>the model answers at once</source>
        <translation>модель відповість одразу</translation>
    </message>
    <message>
        <location line="+34" />
        <source>Dropped image</source>
        <translation>Перетягнуте зображення</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Answering…</source>
        <translation>Модель відповідає…</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Not sure: looks most like {0} ({1})</source>
        <translation>Невпевнено: найбільше схоже, що це {0} ({1})</translation>
    </message>
    <message>
        <location line="+47" />
        <source>Try a Photo</source>
        <translation>Спробувати фото</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Images ({0})</source>
        <translation>Зображення ({0})</translation>
    </message>
</context>
<context>
    <name>Units</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/i18n.py" line="-29" />
        <source>{0} GB</source>
        <translation>{0} ГБ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>{0} MB</source>
        <translation>{0} МБ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>{0} kB</source>
        <translation>{0} кБ</translation>
    </message>
    <message>
        <location line="+5" />
        <source>{0} B</source>
        <translation>{0} Б</translation>
    </message>
</context>
<context>
    <name>WindowCommands</name>
    <message>
        <location filename="../../infinityvision_desktop/gui/window_commands.py" line="+48" />
        <source>Open Images</source>
        <translation>Відкрити зображення</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Open Folder</source>
        <translation>Відкрити теку</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Export Results</source>
        <translation>Експорт результатів</translation>
    </message>
    <message>
        <location line="+2" />
        <source>CSV files (*.csv)</source>
        <translation>Файли CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+30" />
        <source>A model is being trained. Open another model once training has finished or been stopped.</source>
        <translation>Зараз триває навчання моделі. Відкрийте іншу модель, коли навчання завершиться або буде зупинене.</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+6" />
        <source>Open Model</source>
        <translation>Відкрити модель</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Keras models (*.h5 *.keras)</source>
        <translation>Моделі Keras (*.h5 *.keras)</translation>
    </message>
</context>
</TS>