<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
<context>
    <name>ClassListPanel</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/teach_class_list.py" line="+134" />
        <source>%n photo(s) · needs {0} more</source>
        <translation>
            <numerusform>%n photo · needs {0} more</numerusform>
            <numerusform>%n photos · needs {0} more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n photo(s) · {0} more recommended</source>
        <translation>
            <numerusform>%n photo · {0} more recommended</numerusform>
            <numerusform>%n photos · {0} more recommended</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n photo(s)</source>
        <translation>
            <numerusform>%n photo</numerusform>
            <numerusform>%n photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9" />
        <source>%n correction(s) among them</source>
        <translation>
            <numerusform>%n correction among them</numerusform>
            <numerusform>%n corrections among them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+61" />
        <source>Delete the class '{0}' and the copies of its %n photo(s) in the project? The photos you added them from are not touched.</source>
        <translation>
            <numerusform>Delete the class '{0}' and the copy of its %n photo in the project? The photo you added it from is not touched.</numerusform>
            <numerusform>Delete the class '{0}' and the copies of its %n photos in the project? The photos you added them from are not touched.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassifyStatus</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/status_bar.py" line="+75" />
        <source>Classifying %n image(s)…</source>
        <translation>
            <numerusform>Classifying %n image…</numerusform>
            <numerusform>Classifying %n images…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13" />
        <source>%n waiting for a model</source>
        <translation>
            <numerusform>%n waiting for a model</numerusform>
            <numerusform>%n waiting for a model</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n other file(s) not added (not images)</source>
        <translation>
            <numerusform>%n other file not added (not an image)</numerusform>
            <numerusform>%n other files not added (not images)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/errors.py" line="+75" />
        <source>%n unexpected error(s) occurred; the details of each are below.</source>
        <translation>
            <numerusform>%n unexpected error occurred; the details are below.</numerusform>
            <numerusform>%n unexpected errors occurred; the details of each are below.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvaluationView</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/evaluation_view.py" line="+337" />
        <source>Classifying {0} of %n image(s)…</source>
        <translation>
            <numerusform>Classifying {0} of %n image…</numerusform>
            <numerusform>Classifying {0} of %n images…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+14" />
        <source>Accuracy {0} on %n image(s) · {1} misclassified · macro F1 {2}</source>
        <translation>
            <numerusform>Accuracy {0} on %n image · {1} misclassified · macro F1 {2}</numerusform>
            <numerusform>Accuracy {0} on %n images · {1} misclassified · macro F1 {2}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5" />
        <source>%n unreadable file(s) skipped (first: {0}: {1})</source>
        <translation>
            <numerusform>%n unreadable file skipped ({0}: {1})</numerusform>
            <numerusform>%n unreadable files skipped (first: {0}: {1})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+77" />
        <source>Misclassified: %n image(s), the most confident mistakes first</source>
        <translation>
            <numerusform>Misclassified: %n image</numerusform>
            <numerusform>Misclassified: %n images, the most confident mistakes first</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+16" />
        <source>{0}: %n image(s) classified correctly</source>
        <translation>
            <numerusform>{0}: %n image classified correctly</numerusform>
            <numerusform>{0}: %n images classified correctly</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5" />
        <source>True class {0}, the model said {1}: %n image(s), the most confident first</source>
        <translation>
            <numerusform>True class {0}, the model said {1}: %n image</numerusform>
            <numerusform>True class {0}, the model said {1}: %n images, the most confident first</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/export_dialog.py" line="+319" />
        <source>int8 was calibrated on %n sample image(s).</source>
        <translation>
            <numerusform>int8 was calibrated on %n sample image.</numerusform>
            <numerusform>int8 was calibrated on %n sample images.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>Its top class agrees with the Keras model's on {0} of %n sample image(s).</source>
        <translation>
            <numerusform>Its top class agrees with the Keras model's on {0} of %n sample image.</numerusform>
            <numerusform>Its top class agrees with the Keras model's on {0} of %n sample images.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryToolBar</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/history_toolbar.py" line="+154" />
        <source>Forgot %n entry(s). The image files were not touched.</source>
        <translation>
            <numerusform>Forgot %n entry. The image file was not touched.</numerusform>
            <numerusform>Forgot %n entries. The image files were not touched.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+10" />
        <source>Forget all %Ln entry(s) in the history? The image files are not touched.</source>
        <translation>
            <numerusform>Forget the %Ln entry in the history? The image file is not touched.</numerusform>
            <numerusform>Forget all %Ln entries in the history? The image files are not touched.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/history_view.py" line="+270" />
        <source>Exported %n entry(s) to {0}</source>
        <translation>
            <numerusform>Exported %n entry to {0}</numerusform>
            <numerusform>Exported %n entries to {0}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+137" />
        <source>%Ln entry(s)</source>
        <translation>
            <numerusform>%Ln entry</numerusform>
            <numerusform>%Ln entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>{0} of %Ln entry(s)</source>
        <translation>
            <numerusform>{0} of %Ln entry</numerusform>
            <numerusform>{0} of %Ln entries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/main_window.py" line="+272" />
        <source>(%n other file(s) skipped: not images)</source>
        <translation>
            <numerusform>(%n other file skipped: not an image)</numerusform>
            <numerusform>(%n other files skipped: not images)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+55" />
        <source>Exported %n result(s) to {0}</source>
        <translation>
            <numerusform>Exported %n result to {0}</numerusform>
            <numerusform>Exported %n results to {0}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelView</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/model_view.py" line="+269" />
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n class</numerusform>
            <numerusform>%n classes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+80" />
        <source>Accuracy {0} on %Ln test image(s) · macro F1 {1} · calibration error {2}</source>
        <translation>
            <numerusform>Accuracy {0} on %Ln test image · macro F1 {1} · calibration error {2}</numerusform>
            <numerusform>Accuracy {0} on %Ln test images · macro F1 {1} · calibration error {2}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>Accuracy {0} on %Ln validation image(s) (no test split was stored) · macro F1 {1} · calibration error {2}</source>
        <translation>
            <numerusform>Accuracy {0} on %Ln validation image (no test split was stored) · macro F1 {1} · calibration error {2}</numerusform>
            <numerusform>Accuracy {0} on %Ln validation images (no test split was stored) · macro F1 {1} · calibration error {2}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+39" />
        <source>%n layer(s) · {0} parameters: {1} trainable, {2} frozen · input {3}×{4} · file {5}</source>
        <translation>
            <numerusform>%n layer · {0} parameters: {1} trainable, {2} frozen · input {3}×{4} · file {5}</numerusform>
            <numerusform>%n layers · {0} parameters: {1} trainable, {2} frozen · input {3}×{4} · file {5}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoGridPanel</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/teach_photo_grid.py" line="+120" />
        <source>{0}: %n photo(s). Drop photos or folders here: they are copied into the project.</source>
        <translation>
            <numerusform>{0}: %n photo. Drop photos or folders here: they are copied into the project.</numerusform>
            <numerusform>{0}: %n photos. Drop photos or folders here: they are copied into the project.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+91" />
        <source>Delete %n photo(s) from the project? The photos you added them from are not touched.</source>
        <translation>
            <numerusform>Delete %n photo from the project? The photo you added it from is not touched.</numerusform>
            <numerusform>Delete %n photos from the project? The photos you added them from are not touched.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/widgets/results_table.py" line="+195" />
        <source>Classified (first of %n frame(s))</source>
        <translation>
            <numerusform>Classified (first of %n frame)</numerusform>
            <numerusform>Classified (first of %n frames)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SortController</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/sort_action.py" line="+124" />
        <source>Copy %n image(s) into one folder per class in {0}?</source>
        <translation>
            <numerusform>Copy %n image into its class's folder in {0}?</numerusform>
            <numerusform>Copy %n images into one folder per class in {0}?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>%n image(s) the model is not sure about go to not_sure/.</source>
        <translation>
            <numerusform>%n image the model is not sure about goes to not_sure/.</numerusform>
            <numerusform>%n images the model is not sure about go to not_sure/.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%n unreadable image(s) are listed in the CSV, not copied.</source>
        <translation>
            <numerusform>%n unreadable image is listed in the CSV, not copied.</numerusform>
            <numerusform>%n unreadable images are listed in the CSV, not copied.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+53" />
        <source>Copied %n image(s) into {0} ({1}).</source>
        <translation>
            <numerusform>Copied %n image into {0} ({1}).</numerusform>
            <numerusform>Copied %n images into {0} ({1}).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>%n copy(ies) were given a new name because the name was taken.</source>
        <translation>
            <numerusform>%n copy was given a new name because the name was taken.</numerusform>
            <numerusform>%n copies were given a new name because the name was taken.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%n image(s) could not be copied; the first: {0}: {1}</source>
        <translation>
            <numerusform>%n image could not be copied: {0}: {1}</numerusform>
            <numerusform>%n images could not be copied; the first: {0}: {1}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TeachView</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/teach_view.py" line="+335" />
        <source>%n file(s) not added:</source>
        <translation>
            <numerusform>%n file not added:</numerusform>
            <numerusform>%n files not added:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrainPanel</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/teach_train_panel.py" line="+194" />
        <source>Trained in {0} s on %n photo(s); held out by {1}: each photo was answered by a model that had not seen it.</source>
        <translation>
            <numerusform>Trained in {0} s on %n photo; held out by {1}: each photo was answered by a model that had not seen it.</numerusform>
            <numerusform>Trained in {0} s on %n photos; held out by {1}: each photo was answered by a model that had not seen it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>%n correction(s) used.</source>
        <translation>
            <numerusform>%n correction used.</numerusform>
            <numerusform>%n corrections used.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrainingRunPanel</name>
    <message numerus="yes">
        <location filename="../../infinityvision_desktop/gui/training_run_panel.py" line="+312" />
        <source>Held-out accuracy: {0} on %Ln test image(s)</source>
        <translation>
            <numerusform>Held-out accuracy: {0} on %Ln test image</numerusform>
            <numerusform>Held-out accuracy: {0} on %Ln test images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11" />
        <source>Held-out accuracy: {0} on %Ln validation image(s)</source>
        <translation>
            <numerusform>Held-out accuracy: {0} on %Ln validation image</numerusform>
            <numerusform>Held-out accuracy: {0} on %Ln validation images</numerusform>
        </translation>
    </message>
</context>
</TS>