"""The MNIST models' predict commands: user images and arrays -> 28x28 digits -> model -> PNG pictures.

An image file (PNG or JPEG, any size, colour or grey) becomes an MNIST digit the way MNIST's were made:
1. grey, with transparency laid on white and the camera's EXIF rotation applied;
2. bright ink on black: inverted when the border is light (dark ink on paper);
3. levels stretched so that the background is 0 and the brightest ink 1;
4. cropped to the ink and scaled, aspect kept, to fit a 20x20 box (antialiased);
5. placed in a 28x28 field with its centre of mass at the centre.
An image that is already 28x28 is taken as an MNIST digit as it is (only steps 1 and 2): cropping a noisy
digit would frame the noise. A .npy array holds one digit, (784,) or (28, 28), or several, (N, 784) or
(N, 28, 28), as floats in [0, 1] or uint8 0-255, bright digit on black, like the processed MNIST.
"""
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from stages.cli import StageError
from stages.mnist import IMAGE_SIDE, PIXELS
from stages.outputs import atomic_path, load_model

IMAGE_FORMATS = ("PNG", "JPEG")
BOX_SIDE = 20
# Stretched levels above this count as ink when cropping: JPEG ringing and paper grain stay below it.
INK = 0.25
# An image whose brightest ink stands less than this above its background has no digit to find.
MIN_CONTRAST = 0.1
# The side-by-side picture shows each 28x28 digit at this many screen pixels a pixel.
ZOOM = 8


def read_digits(path):
    """[(name, digit float32 (784,) in [0, 1])] of an image or .npy file; name is the output file stem."""
    path = Path(path)
    if not path.is_file():
        raise StageError(f"{path}: no such file (expected a PNG or JPEG image or a .npy array)")
    if path.suffix.lower() == ".npy":
        return _array_digits(path)
    try:
        with Image.open(path) as image:
            if image.format not in IMAGE_FORMATS:
                raise StageError(f"{path}: a {image.format} image; expected PNG or JPEG (or a .npy array)")
            grey = _grey(image)
    except (UnidentifiedImageError, OSError) as error:
        raise StageError(f"{path}: not a readable PNG or JPEG image ({error.__class__.__name__})") from None
    return [(path.stem, _as_digit(grey, path))]


def _array_digits(path):
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as error:
        raise StageError(f"{path}: not a NumPy .npy array ({error})") from None
    shape = array.shape
    if shape in ((PIXELS,), (IMAGE_SIDE, IMAGE_SIDE)):
        digits, names = array.reshape(1, PIXELS), [path.stem]
    elif array.ndim in (2, 3) and shape[1:] in ((PIXELS,), (IMAGE_SIDE, IMAGE_SIDE)) and len(array):
        digits, names = array.reshape(len(array), PIXELS), [f"{path.stem}_{i}" for i in range(len(array))]
    else:
        raise StageError(f"{path}: array of shape {shape}; expected (784,), (28, 28), (N, 784) or (N, 28, 28)")
    if array.dtype == np.uint8:
        digits = digits / 255.0
    elif not np.issubdtype(array.dtype, np.floating):
        raise StageError(f"{path}: {array.dtype} array; expected floats in [0, 1] or uint8 0-255")
    elif not (np.all(np.isfinite(digits)) and digits.min() >= 0 and digits.max() <= 1):
        raise StageError(f"{path}: values outside [0, 1]; expected floats in [0, 1] or uint8 0-255")
    return list(zip(names, digits.astype(np.float32)))


def _grey(image):
    """Float grey levels in [0, 1] of an opened image: EXIF rotation applied, transparency laid on white."""
    image = ImageOps.exif_transpose(image).convert("RGBA")
    white = Image.new("RGBA", image.size, "white")
    return np.asarray(Image.alpha_composite(white, image).convert("L"), dtype=np.float32) / 255.0


def _as_digit(grey, path):
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if np.median(border) > 0.5:
        grey, border = 1.0 - grey, 1.0 - border
    if grey.shape == (IMAGE_SIDE, IMAGE_SIDE):
        return grey.reshape(PIXELS)
    background = np.median(border)
    if grey.max() - background < MIN_CONTRAST:
        raise StageError(f"{path}: blank image, no digit found")
    ink = np.clip((grey - background) / (grey.max() - background), 0.0, 1.0)
    rows, columns = np.nonzero(ink > INK)
    ink = ink[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    scale = BOX_SIDE / max(ink.shape)
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    boxed = Image.fromarray(ink).resize(size, Image.Resampling.LANCZOS)
    boxed = np.clip(np.asarray(boxed, dtype=np.float32), 0.0, 1.0)
    # Shift so the centre of mass lands on the field's centre, as far as the field allows.
    mass_rows, mass_columns = np.indices(boxed.shape)
    total = boxed.sum()
    top = round(IMAGE_SIDE / 2 - (mass_rows * boxed).sum() / total)
    left = round(IMAGE_SIDE / 2 - (mass_columns * boxed).sum() / total)
    top = min(max(top, 0), IMAGE_SIDE - boxed.shape[0])
    left = min(max(left, 0), IMAGE_SIDE - boxed.shape[1])
    field = np.zeros((IMAGE_SIDE, IMAGE_SIDE), dtype=np.float32)
    field[top : top + boxed.shape[0], left : left + boxed.shape[1]] = boxed
    return field.reshape(PIXELS)


def _image(digit):
    return Image.fromarray(np.round(np.clip(digit, 0, 1) * 255).astype(np.uint8).reshape(IMAGE_SIDE, IMAGE_SIDE))


def write_results(name, digit, result, directory, label):
    """<name>.<label>.png (the 28x28 result) and <name>.<label>.side_by_side.png (input, result); their paths."""
    output = Path(directory) / f"{name}.{label}.png"
    side_by_side = Path(directory) / f"{name}.{label}.side_by_side.png"
    zoomed = IMAGE_SIDE * ZOOM
    picture = Image.new("L", (2 * zoomed + ZOOM, zoomed), 128)
    for column, image in enumerate((digit, result)):
        picture.paste(_image(image).resize((zoomed, zoomed), Image.Resampling.NEAREST), (column * (zoomed + ZOOM), 0))
    for path, image in ((output, _image(result)), (side_by_side, picture)):
        with atomic_path(path) as temporary:
            image.save(temporary)
    return output, side_by_side


def apply(model_path, stage, inputs, output_dir, label):
    """Run the model at `model_path` (trained by DVC stage `stage`) on every digit of the `inputs` files.

    Results go to `output_dir`, or beside their input when it is None; one line per digit says where.
    """
    digits = [
        (name, digit, Path(output_dir or Path(path).parent)) for path in inputs for name, digit in read_digits(path)
    ]
    places = [directory / name for name, _, directory in digits]
    for place in places:
        if places.count(place) > 1:
            raise StageError(f"{place}: two inputs would write the same pictures; rename one of them")
    model = load_model(model_path, stage)
    results = model.predict(np.stack([digit for _, digit, _ in digits]), verbose=0)
    for (name, digit, directory), result in zip(digits, results):
        written = write_results(name, digit, result, directory, label)
        print(f"{name}: {' '.join(str(path) for path in written)}")
