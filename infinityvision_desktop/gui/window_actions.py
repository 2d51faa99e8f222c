"""The main window's actions, menus and tool bar, with their keys, icons and texts.

`create_actions(window)` and `create_menus(window)` set them on the window as attributes
(`window.open_action`, `window.file_menu`, ...), where the tools and tests find them;
`retranslate_actions(window)` sets every text in the current language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QStyle, QToolBar, QWidget

from infinityvision_desktop.core.images import IMAGE_SUFFIXES

# QKeySequence.StandardKey has no binding for these on some platforms (Quit on Windows and on
# bare X11, Preferences outside macOS and KDE): the usual keys there.
FALLBACK_SHORTCUTS = {QKeySequence.StandardKey.Quit: "Ctrl+Q", QKeySequence.StandardKey.Preferences: "Ctrl+,"}


def create_actions(window) -> None:
    """The actions, with their shortcuts and icons; their texts are set by retranslate_actions()."""
    keys = QKeySequence.StandardKey
    pixmaps = QStyle.StandardPixmap

    def action(shortcut=None, icon: tuple[str, QStyle.StandardPixmap] | None = None) -> QAction:
        new = QAction(window)
        if shortcut is not None:
            new.setShortcuts(
                standard_shortcuts(shortcut)
                if isinstance(shortcut, QKeySequence.StandardKey)
                else [QKeySequence(shortcut)]
            )
        if icon is not None:
            new.setIcon(themed_icon(window, *icon))
        return new

    window.open_action = action(keys.Open, ("document-open", pixmaps.SP_DialogOpenButton))
    window.open_folder_action = action(icon=("folder-open", pixmaps.SP_DirOpenIcon))
    window.export_action = action(keys.Save, ("document-save", pixmaps.SP_DialogSaveButton))
    window.quit_action = action(keys.Quit, ("application-exit", pixmaps.SP_DialogCloseButton))
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    window.paste_action = action(keys.Paste, ("edit-paste", pixmaps.SP_FileIcon))
    window.remove_action = action(keys.Delete, ("edit-delete", pixmaps.SP_TrashIcon))
    window.clear_action = action(icon=("edit-clear", pixmaps.SP_DialogResetButton))
    window.cancel_action = action(keys.Cancel, ("process-stop", pixmaps.SP_BrowserStop))
    window.preferences_action = action(keys.Preferences, ("preferences-system", pixmaps.SP_FileDialogDetailedView))
    window.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    window.open_model_action = action(icon=("document-open", pixmaps.SP_DriveHDIcon))
    window.train_action = action("Ctrl+T")  # its icon is drawn in the accent colour: see play_icon()
    window.help_action = action(keys.HelpContents, ("help-contents", pixmaps.SP_DialogHelpButton))
    window.about_action = action(icon=("help-about", pixmaps.SP_MessageBoxInformation))
    window.about_action.setMenuRole(QAction.MenuRole.AboutRole)
    window.clear_recent_action = action()
    for disabled in (window.export_action, window.remove_action, window.clear_action, window.cancel_action):
        disabled.setEnabled(False)


def create_menus(window) -> None:
    """The menu bar and the tool bar, from the actions."""
    window.file_menu = file_menu = window.menuBar().addMenu("")
    file_menu.addAction(window.open_action)
    file_menu.addAction(window.open_folder_action)
    window.recent_menu = file_menu.addMenu("")
    file_menu.addSeparator()
    file_menu.addAction(window.export_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    window.edit_menu = edit_menu = window.menuBar().addMenu("")
    edit_menu.addAction(window.paste_action)
    edit_menu.addSeparator()
    edit_menu.addAction(window.remove_action)
    edit_menu.addAction(window.clear_action)
    edit_menu.addSeparator()
    edit_menu.addAction(window.cancel_action)
    edit_menu.addSeparator()
    edit_menu.addAction(window.preferences_action)
    window.model_menu = window.menuBar().addMenu("")
    window.model_menu.addAction(window.open_model_action)
    window.model_menu.addAction(window.train_action)
    window.help_menu = help_menu = window.menuBar().addMenu("")
    help_menu.addAction(window.help_action)
    help_menu.addSeparator()
    help_menu.addAction(window.about_action)

    # Every action here is also in a menu (and most have a key), so the tool bar's buttons stay
    # out of the Tab order, as in every Qt tool bar.
    window.toolbar = toolbar = QToolBar(window)
    toolbar.setObjectName("main_toolbar")  # saveState() keys it by name
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setIconSize(QSize(20, 20))
    for act in (window.open_action, window.open_folder_action, window.paste_action, window.export_action):
        toolbar.addAction(act)
    toolbar.addSeparator()
    toolbar.addAction(window.cancel_action)
    toolbar.addSeparator()
    toolbar.addAction(window.train_action)
    toolbar.addAction(window.preferences_action)
    toolbar.addAction(window.help_action)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)


def retranslate_actions(window) -> None:
    """Every action's and menu's text in the current language (MainWindow's translation context)."""
    translate = QCoreApplication.translate
    texts = {
        window.open_action: (
            translate("MainWindow", "&Open Images…"),
            translate("MainWindow", "Open"),
            translate("MainWindow", "Classify image files"),
        ),
        window.open_folder_action: (
            translate("MainWindow", "Open &Folder…"),
            translate("MainWindow", "Folder"),
            translate("MainWindow", "Classify every image in a folder and its subfolders"),
        ),
        window.export_action: (
            translate("MainWindow", "&Export Results to CSV…"),
            translate("MainWindow", "Export"),
            translate("MainWindow", "Save every image's answer and probabilities"),
        ),
        window.quit_action: (
            translate("MainWindow", "&Quit"),
            translate("MainWindow", "Quit"),
            translate("MainWindow", "Close InfinityVision"),
        ),
        window.paste_action: (
            translate("MainWindow", "&Paste Image"),
            translate("MainWindow", "Paste"),
            translate("MainWindow", "Classify the image or image files on the clipboard"),
        ),
        window.remove_action: (
            translate("MainWindow", "&Remove Selected"),
            translate("MainWindow", "Remove"),
            translate("MainWindow", "Remove the selected images from the list"),
        ),
        window.clear_action: (
            translate("MainWindow", "&Clear All"),
            translate("MainWindow", "Clear"),
            translate("MainWindow", "Remove every image from the list"),
        ),
        window.cancel_action: (
            translate("MainWindow", "&Cancel Classification"),
            translate("MainWindow", "Stop"),
            translate("MainWindow", "Stop classifying the remaining images"),
        ),
        window.preferences_action: (
            translate("MainWindow", "Pre&ferences…"),
            translate("MainWindow", "Settings"),
            translate("MainWindow", 'Language, theme, the "not sure" threshold and the History'),
        ),
        window.open_model_action: (
            translate("MainWindow", "&Open Model…"),
            translate("MainWindow", "Open Model"),
            translate("MainWindow", "Use another .h5 or .keras model"),
        ),
        window.train_action: (
            translate("MainWindow", "&Train / Fine-tune…"),
            translate("MainWindow", "Train"),
            translate("MainWindow", "Fine-tune the model on your own class folders, or train a new one"),
        ),
        window.help_action: (
            translate("MainWindow", "InfinityVision &Help"),
            translate("MainWindow", "Help"),
            translate("MainWindow", "How to use InfinityVision, and its keyboard shortcuts"),
        ),
        window.about_action: (
            translate("MainWindow", "&About InfinityVision"),
            translate("MainWindow", "About"),
            translate("MainWindow", "Versions, and where the active model comes from"),
        ),
        window.clear_recent_action: (
            translate("MainWindow", "Clear Recent"),
            translate("MainWindow", "Clear Recent"),
            translate("MainWindow", "Empty the list of recent files"),
        ),
    }
    for act, (text, short, tip) in texts.items():
        act.setText(text)
        act.setIconText(short)
        act.setStatusTip(tip)
        act.setToolTip(action_tooltip(act, tip))
    window.file_menu.setTitle(translate("MainWindow", "&File"))
    window.recent_menu.setTitle(translate("MainWindow", "Open &Recent"))
    window.edit_menu.setTitle(translate("MainWindow", "&Edit"))
    window.model_menu.setTitle(translate("MainWindow", "&Model"))
    window.help_menu.setTitle(translate("MainWindow", "&Help"))
    window.toolbar.setWindowTitle(translate("MainWindow", "Toolbar"))


def shortcut_actions(window) -> list[QAction]:
    """The actions with keyboard shortcuts, in menu order (the Help lists them)."""
    actions = [
        window.open_action,
        window.paste_action,
        window.export_action,
        window.remove_action,
        window.cancel_action,
        window.preferences_action,
        window.train_action,
        window.help_action,
        window.quit_action,
    ]
    return [act for act in actions if not act.shortcut().isEmpty()]


def fill_recent_menu(window, recent: list[str]) -> None:
    """The recent files, numbered for their mnemonic keys, and Clear Recent."""
    menu = window.recent_menu
    menu.clear()
    metrics = menu.fontMetrics()
    for number, path in enumerate(recent, 1):
        shown = metrics.elidedText(path, Qt.TextElideMode.ElideMiddle, RECENT_PATH_WIDTH).replace("&", "&&")
        action = menu.addAction(f"&{number % 10} {shown}")
        action.setData(path)
        action.setStatusTip(path)
    if not recent:
        empty = menu.addAction(QCoreApplication.translate("MainWindow", "No recent files"))
        empty.setEnabled(False)
    menu.addSeparator()
    menu.addAction(window.clear_recent_action)
    window.clear_recent_action.setEnabled(bool(recent))


RECENT_PATH_WIDTH = 480  # pixels: a longer path in Open Recent is shortened in the middle


def image_file_filter() -> str:
    patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
    return QCoreApplication.translate("MainWindow", "Images ({0});;All files (*)").format(patterns)


def standard_shortcuts(key: QKeySequence.StandardKey) -> list[QKeySequence]:
    """The platform's keys for a standard action; the usual ones where the platform has none."""
    bindings = QKeySequence.keyBindings(key)
    if not bindings and key in FALLBACK_SHORTCUTS:
        bindings = [QKeySequence(FALLBACK_SHORTCUTS[key])]
    return bindings


def themed_icon(widget: QWidget, name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    """The desktop theme's icon (freedesktop name) where there is one, else the style's own."""
    return QIcon.fromTheme(name, widget.style().standardIcon(fallback))


def play_icon(colour: str, side: int = 20) -> QIcon:
    """A right-pointing triangle, drawn at 1x and 2x so it is sharp on high-DPI screens."""
    icon = QIcon()
    for ratio in (1, 2):
        pixmap = QPixmap(side * ratio, side * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawPolygon(
            QPolygonF(
                [QPointF(side * 0.25, side * 0.15), QPointF(side * 0.85, side * 0.5), QPointF(side * 0.25, side * 0.85)]
            )
        )
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def action_tooltip(action: QAction, tip: str) -> str:
    """'Classify image files (Ctrl+O)': the status tip and the action's key, as the platform writes it."""
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{tip} ({key})" if key else tip
