"""Makes a thumbnail of each greyscale PGM image uploaded to S3: the image pipeline of notebook 03, in small.

S3 invokes this function asynchronously, with one record per new object. Two things to notice:

* The object key in the event is URL-encoded: "uploads/mountain view.pgm" arrives as "uploads/mountain+view.pgm".
  unquote_plus turns it back into the real key; without it, get_object finds no such key.
* The thumbnail is written under OUTPUT_PREFIX ("thumbnails/"), never under the prefix the bucket notification
  listens to (uploads/). Writing there would trigger this function again with its own output, again and again.

PGM (portable graymap) is the simplest image format there is: a short text header "P5 <width> <height> 255",
then one byte per pixel (0 black, 255 white), row after row. Pure Python can read and write it, so the function
needs no imaging library (Pillow is not part of the Lambda runtime: you would ship it in the zip or a layer).
"""

import json
import os
from urllib.parse import unquote_plus

import boto3

s3 = boto3.client("s3")  # created once per execution environment, at init
OUTPUT_PREFIX = os.environ.get("OUTPUT_PREFIX", "thumbnails/")
FACTOR = int(os.environ.get("SHRINK_FACTOR", "4"))  # every FACTOR x FACTOR block of pixels becomes one pixel


def handler(event, context):
    print("EVENT " + json.dumps(event))  # the whole event, as S3 sent it (the notebook reads it back from the log)
    made = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        width, height, pixels = read_pgm(original)
        small_width, small_height, small_pixels = shrink(width, height, pixels, FACTOR)
        thumbnail = write_pgm(small_width, small_height, small_pixels)
        thumbnail_key = OUTPUT_PREFIX + key.rsplit("/", 1)[-1]
        s3.put_object(Bucket=bucket, Key=thumbnail_key, Body=thumbnail, ContentType="image/x-portable-graymap")
        print(f"{key} ({width}x{height}, {len(original)} bytes) -> {thumbnail_key} "
              f"({small_width}x{small_height}, {len(thumbnail)} bytes)")
        made.append(thumbnail_key)
    return {"thumbnails": made}  # an asynchronous caller never sees this (notebook 05: destinations do)


def read_pgm(data):
    """Width, height and the pixel bytes of a binary PGM ("P5") image with 8-bit pixels."""
    fields, position = [], 0
    while len(fields) < 4:  # magic number, width, height, maximum value; "#" starts a comment line
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position)
            continue
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    magic, width, height, maximum = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P5" or maximum > 255:
        raise ValueError("not an 8-bit binary PGM image")
    pixels = data[position + 1:position + 1 + width * height]  # one whitespace byte after the header
    return width, height, pixels


def shrink(width, height, pixels, factor):
    """Average each factor x factor block into one pixel (the image keeps at least 1 x 1 pixel)."""
    small_width, small_height = max(width // factor, 1), max(height // factor, 1)
    block_w, block_h = max(width // small_width, 1), max(height // small_height, 1)
    small = bytearray()
    for row in range(small_height):
        for column in range(small_width):
            total = 0
            for y in range(row * block_h, row * block_h + block_h):
                start = y * width + column * block_w
                total += sum(pixels[start:start + block_w])
            small.append(total // (block_w * block_h))
    return small_width, small_height, bytes(small)


def write_pgm(width, height, pixels):
    return f"P5\n{width} {height}\n255\n".encode() + pixels
