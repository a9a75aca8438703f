"""The released versions of the addon, oldest first: the version each was released as
and its commit (also tagged with the version). A new release appends itself here; the
upgrade test installs each and upgrades it to the current code, and the static check of
the migrations compares the data files with the last one's."""

RELEASES = (
    ("19.0.1.0.0", "0ca55484c0d0929e0dc56a472c3cbde1b571a6f5"),
    ("19.0.1.1.0", "1e3f2bb910e23bc9794ee58d830e33d7168c0f1c"),
)
LAST_RELEASE = RELEASES[-1]
