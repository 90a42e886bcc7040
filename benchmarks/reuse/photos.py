"""Real photographs that ship inside packages, for the image-reuse benchmark.

Nothing is downloaded at run time: every picture comes from a package installed from PyPI or
Debian. Install them with

    python3 -m pip install scikit-image scikit-learn matplotlib
    apt-get update && apt-get install -y --no-install-recommends \\
        plasma-workspace-wallpapers mate-backgrounds \\
        lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 fonts-dejavu-core

(the fonts draw the captions and post UIs; without them Pillow's default font is used and the
corpus differs from other machines' corpora).

The catalogue below was chosen by looking at every image those packages ship:

* kind "photo": a real photograph, at least 256 px on its short side. These are the
  benchmark's ORIGINALS (47 of them).
* kind "art", "texture", "science": drawings, renders, gradients, texture close-ups and
  scientific images. They are never originals, only DISTRACTORS (images that must not match).

Left out on purpose: icons and logos, images under 256 px, near-duplicate variants of one
picture (scikit-image's motorcycle_right is the stereo twin of motorcycle_left; MATE's four
"Ubuntu-Mate-*-no-logo" and GNOME's -l/-d wallpapers are colour variants of one picture;
Elephants ships in three sizes), and transparent overlays that are blank once flattened.

There are not 150 distinct photos among these packages, so more distractors are cut from the
large photos (long side >= 2400 px): such a photo's original is one HALF along the long side
(the half with more detail, by edge energy), and the other half is cut into two regions that
become distractors. The regions do
not overlap the original's pixels at all, so they are different pictures, though of the same
scene (like two shots from one shoot): realistic hard negatives.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

APT_PACKAGES = (
    "plasma-workspace-wallpapers",
    "mate-backgrounds",
    "lomiri-wallpapers-16.04",
    "lomiri-wallpapers-20.04",
)
PIP_PACKAGES = {"scikit-image": "skimage", "scikit-learn": "sklearn", "matplotlib": "matplotlib"}
INSTALL_HINT = (
    "python3 -m pip install scikit-image scikit-learn matplotlib\n"
    "apt-get update && apt-get install -y --no-install-recommends "
    + " ".join(APT_PACKAGES)
    + " fonts-dejavu-core"
)
MIN_SIDE = 256  # a picture smaller than this on its short side is an icon, not a photo
SPLIT_SIDE = 2400  # photos at least this long are halved: original + two distractor regions

_PLASMA = "/usr/share/wallpapers/{name}/contents/images"
_MATE = "/usr/share/backgrounds/mate"
_LOMIRI = "/usr/share/backgrounds"


class MissingPhotos(RuntimeError):
    """Some packages the benchmark takes its pictures from are not installed."""


@dataclass(frozen=True)
class Source:
    id: str  # stable short name, used in corpus file names
    package: str  # the PyPI or Debian package that ships it
    installer: str  # "pip" or "apt"
    where: str  # path (apt: absolute; pip: inside the package) or plasma wallpaper name
    kind: str  # photo, art, texture, science
    credit: str  # author and license as the package states them

    def path(self) -> Path | None:
        """Where the file is on this machine, or None when its package is missing."""
        if self.installer == "pip":
            spec = importlib.util.find_spec(PIP_PACKAGES[self.package])
            if spec is None or not spec.submodule_search_locations:
                return None
            path = Path(next(iter(spec.submodule_search_locations))) / self.where
            return path if path.is_file() else None
        if self.package == "plasma-workspace-wallpapers":
            return _largest_plasma_image(self.where)
        path = Path(self.where)
        return path if path.is_file() else None


def _largest_plasma_image(name: str) -> Path | None:
    """A Plasma wallpaper ships one file per screen size: the biggest one."""
    folder = Path(_PLASMA.format(name=name))
    best: tuple[int, Path] | None = None
    for path in folder.glob("*.*") if folder.is_dir() else []:
        size = re.fullmatch(r"(\d+)x(\d+)\.(png|jpg|jpeg)", path.name)
        if size and (best is None or int(size[1]) * int(size[2]) > best[0]):
            best = (int(size[1]) * int(size[2]), path)
    return best[1] if best else None


def _plasma(name: str, kind: str, author: str) -> Source:
    return Source(
        f"plasma-{name}",
        "plasma-workspace-wallpapers",
        "apt",
        name,
        kind,
        f"{author}; LGPL-3 (the wallpaper's metadata.json); package copyright: GPL-2+",
    )


def _mate(sub: str, kind: str, author: str) -> Source:
    stem = Path(sub).stem
    return Source(
        f"mate-{stem}",
        "mate-backgrounds",
        "apt",
        f"{_MATE}/{sub}",
        kind,
        f"{author}; GPL-2+ (debian/copyright)",
    )


def _lomiri(
    name: str, kind: str, license_: str, package: str = "lomiri-wallpapers-16.04"
) -> Source:
    stem = Path(name).stem
    author = stem.split("_by_")[-1].replace("_", " ")
    short = stem.split("_by_")[0]
    return Source(
        f"lomiri-{short}",
        package,
        "apt",
        f"{_LOMIRI}/{name}",
        kind,
        f"{author}; {license_} (debian/copyright)",
    )


def _skimage(name: str, kind: str, credit: str) -> Source:
    stem = Path(name).stem
    return Source(f"skimage-{stem}", "scikit-image", "pip", f"data/{name}", kind, credit)


CATALOGUE: tuple[Source, ...] = (
    # --- photographs: the originals -------------------------------------------------------
    _skimage("astronaut.png", "photo", "NASA (Eileen Collins); public domain (skimage.data doc)"),
    _skimage("chelsea.png", "photo", "Stefan van der Walt; CC0 (skimage.data doc)"),
    _skimage(
        "coffee.png", "photo", "Rachel Michetti / Pikolo Espresso Bar; CC0 (skimage.data doc)"
    ),
    _skimage("motorcycle_left.png", "photo", "Middlebury 2014 stereo dataset (skimage.data doc)"),
    _skimage("rocket.jpg", "photo", "SpaceX; public domain (skimage.data doc)"),
    _skimage("camera.png", "photo", "Lav Varshney; CC0 (skimage.data doc)"),
    _skimage("coins.png", "photo", "no known copyright restrictions (skimage.data doc)"),
    Source(
        "sklearn-china",
        "scikit-learn",
        "pip",
        "datasets/images/china.jpg",
        "photo",
        "danielbuechele (Flickr); CC-BY-2.0 (datasets/images/README.txt)",
    ),
    Source(
        "sklearn-flower",
        "scikit-learn",
        "pip",
        "datasets/images/flower.jpg",
        "photo",
        "vultilion (Flickr); CC-BY-2.0 (datasets/images/README.txt)",
    ),
    Source(
        "mpl-grace_hopper",
        "matplotlib",
        "pip",
        "mpl-data/sample_data/grace_hopper.jpg",
        "photo",
        "US Navy portrait; no license stated in the package (public domain work)",
    ),
    _plasma("BytheWater", "photo", "Maciej Wiklo"),
    _plasma("ColdRipple", "photo", "Risto Saukonpää"),
    _plasma("ColorfulCups", "photo", "Dmitri Popov"),
    _plasma("DarkestHour", "photo", "Risto Saukonpää"),
    _plasma("EveningGlow", "photo", "Ian Hex"),
    _plasma("FallenLeaf", "photo", "Martin Klapetek"),
    _plasma("Grey", "photo", "Sigi Sagi"),
    _plasma("Kite", "photo", "Risto Saukonpää"),
    _plasma("OneStandsOut", "photo", "Risto Saukonpää"),
    _plasma("Path", "photo", "Risto Saukonpää"),
    _plasma("summer_1am", "photo", "Risto Saukonpää"),
    _mate("nature/Aqua.jpg", "photo", "Charles Barbin"),
    _mate("nature/Blinds.jpg", "photo", "Lennart Poettering"),
    _mate("nature/Dune.jpg", "photo", "Marco Cogoni"),
    _mate("nature/FreshFlower.jpg", "photo", "Jens Ansorg"),
    _mate("nature/Garden.jpg", "photo", "Charles Barbin"),
    _mate("nature/GreenMeadow.jpg", "photo", "Timothy Schellhase"),
    _mate("nature/LadyBird.jpg", "photo", "Charles Barbin"),
    _mate("nature/RainDrops.jpg", "photo", "blackcombwhistler07"),
    _mate("nature/Storm.jpg", "photo", "Sergey Nazarov"),
    _mate("nature/TwoWings.jpg", "photo", "Charles Barbin"),
    _mate("nature/Wood.jpg", "photo", "Jean-François Fortin Tam"),
    _mate("nature/YellowFlower.jpg", "photo", "Charles Barbin"),
    _lomiri("Bridge_by_Sander_Klootwijk.jpg", "photo", "CC-BY-SA-4.0"),
    _lomiri("Dragonfly_by_Bolly.jpg", "photo", "CC-BY-SA-4.0"),
    _lomiri("Picture_0B_by_freespace.jpg", "photo", "CC-BY-4.0"),
    _lomiri("Picture_1A_by_freespace.jpg", "photo", "CC-BY-4.0"),
    _lomiri("Wine_by_Jakkub_Mede.jpg", "photo", "CC-BY-4.0"),
    _lomiri("aitzgorri_by_Aitzol_Berasategi.jpg", "photo", "CC-BY-4.0"),
    _lomiri("free_by_Peter_Nerlich.jpg", "photo", "CC-BY-SA-4.0"),
    _lomiri("friends_by_Aitzol_Berasategi.jpg", "photo", "CC-BY-4.0"),
    _lomiri("greentock_by_Peter_Nerlich.jpg", "photo", "CC-BY-SA-4.0"),
    _lomiri("life_by_Aitzol_Berasategi.jpg", "photo", "CC-BY-4.0"),
    _lomiri("picosdeeuropa_by_Aitzol_Berasategi.jpg", "photo", "CC-BY-4.0"),
    _lomiri("seeding_by_Clements_Engelhardt.jpg", "photo", "CC0-1.0"),
    _lomiri("sunset_by_Aitzol_Berasategi.jpg", "photo", "CC-BY-4.0"),
    _lomiri("Kleiber_by_Lukas_Baubkus.jpg", "photo", "CC-BY-SA-3.0", "lomiri-wallpapers-20.04"),
    # --- not photographs (or not the kind a post carries): distractors only ---------------
    _plasma("Altai", "art", "KDE VDG"),
    _plasma("Autumn", "art", "KDE VDG"),
    _plasma("Canopee", "art", "KDE VDG"),
    _plasma("Cascade", "art", "KDE VDG"),
    _plasma("Cluster", "art", "KDE VDG"),
    _plasma("Elarun", "art", "KDE VDG"),
    _plasma("Flow", "art", "KDE VDG"),
    _plasma("FlyingKonqui", "art", "KDE VDG"),
    _plasma("Honeywave", "art", "KDE VDG"),
    _plasma("IceCold", "art", "KDE VDG"),
    _plasma("Kay", "art", "KDE VDG"),
    _plasma("Kokkini", "art", "KDE VDG"),
    _plasma("MilkyWay", "art", "KDE VDG"),
    _plasma("Opal", "art", "KDE VDG"),
    _plasma("PastelHills", "art", "KDE VDG"),
    _plasma("Patak", "art", "KDE VDG"),
    _plasma("SafeLanding", "art", "KDE VDG"),
    _plasma("Shell", "art", "KDE VDG"),
    _plasma("Volna", "art", "KDE VDG"),
    _mate("abstract/Elephants.jpg", "art", "Wyng Stancikaite"),
    _mate("abstract/Flow.png", "art", "Daniel Galleguillos"),
    _mate("abstract/Gulp.png", "art", "MATE artists"),
    _mate("desktop/Float-into-MATE.png", "art", "MATE artists"),
    _mate("desktop/GreenTraditional.jpg", "art", "l0r4n0n"),
    _mate("desktop/Stripes.png", "art", "MATE artists"),
    _mate("desktop/Ubuntu-Mate-Cold-no-logo.png", "art", "MATE artists"),
    _lomiri("analogpattern_by_Peter_Nerlich.jpg", "texture", "CC-BY-SA-4.0"),
    _lomiri("umang_by_Abhishek_Mudgal.jpg", "art", "CC-BY-4.0"),
    _lomiri("Fossa_by_Jasper_Roks.jpg", "art", "CC-BY-SA-3.0", "lomiri-wallpapers-20.04"),
    _lomiri("Infinite-Sea_by_Aury88.jpg", "art", "CC-BY-SA-3.0", "lomiri-wallpapers-20.04"),
    _lomiri(
        "Painting-Colors_by__herobrine7gamer.jpg", "art", "CC-BY-SA-3.0", "lomiri-wallpapers-20.04"
    ),
    _skimage("grass.png", "texture", "CC0Textures; CC0 (skimage.data doc)"),
    _skimage("gravel.png", "texture", "CC0Textures; CC0 (skimage.data doc)"),
    _skimage("brick.png", "texture", "CC0Textures; CC0 (skimage.data doc)"),
    _skimage("retina.jpg", "science", "Wikimedia fundus photograph; CC0 (skimage.data doc)"),
    _skimage("ihc.png", "science", "scikit-image sample data"),
    _skimage("hubble_deep_field.jpg", "science", "NASA; public domain (skimage.data doc)"),
    _skimage("moon.png", "science", "scikit-image sample data"),
    _skimage("cell.png", "science", "scikit-image sample data"),
)


def _check(sources: list[Source]) -> list[Path]:
    paths, missing = [], []
    for source in sources:
        path = source.path()
        if path is None:
            missing.append(source)
        else:
            paths.append(path)
    if missing:
        packages = sorted({f"{s.installer} {s.package}" for s in missing})
        raise MissingPhotos(
            f"{len(missing)} benchmark pictures are missing (from: {', '.join(packages)}; "
            f"first: {missing[0].id}). Install the packages they ship in:\n{INSTALL_HINT}"
        )
    return paths


def photo_sources() -> list[Source]:
    return [s for s in CATALOGUE if s.kind == "photo"]


def distractor_sources() -> list[Source]:
    return [s for s in CATALOGUE if s.kind != "photo"]


def real_photos() -> list[Path]:
    """The photographs on this machine, in catalogue order; `MissingPhotos` names the installs."""
    return _check(photo_sources())


def all_sources() -> list[tuple[Source, Path]]:
    """Every catalogued picture with its path; `MissingPhotos` when any is missing."""
    return list(zip(CATALOGUE, _check(list(CATALOGUE)), strict=True))


Box = tuple[int, int, int, int]  # left, top, right, bottom


def split_boxes(width: int, height: int, second: bool = False) -> tuple[Box, list[Box]]:
    """(original box, distractor boxes) for one photo; no distractors when it is too small.

    A photo long enough is halved along its long side: one half is the original (the first,
    or the second when `second`), the other half is cut across into two regions. No region
    overlaps the original.
    """
    if max(width, height) < SPLIT_SIDE:
        return (0, 0, width, height), []
    if width >= height:
        half, mid = width // 2, height // 2
        first_half, second_half = (0, 0, half, height), (half, 0, width, height)
    else:
        half, mid = height // 2, width // 2
        first_half, second_half = (0, 0, width, half), (0, half, width, height)
    keep, rest = (second_half, first_half) if second else (first_half, second_half)
    left, top, right, bottom = rest
    if width >= height:
        return keep, [(left, top, right, mid), (left, mid, right, bottom)]
    return keep, [(left, top, mid, bottom), (mid, top, right, bottom)]


if __name__ == "__main__":
    for source, path in all_sources():
        print(f"{source.kind:8} {source.id:32} {path}")
    print(f"{len(real_photos())} photos")
