// Writing 1-bit grayscale PNGs into memory with libpng's full API, for QR codes (Sources/QRCodes).
// libpng's simplified API (png_image_write_*) writes 8 bits a pixel at least; its full API reports
// errors with longjmp, which Swift cannot catch, so this C function holds the setjmp and turns an
// error into a return value and a message.
#ifndef CPNGWRITE_H
#define CPNGWRITE_H

#include <stddef.h>

/// Bytes of the message buffer cpngwrite_gray1 fills on failure, its terminating zero included.
#define CPNGWRITE_MESSAGE_SIZE 256

/// Writes a PNG of `width` × (`row_count` × `repeat`) pixels, 1 bit a pixel, gray (0 black,
/// 1 white), each row filtered Up and deflated with Z_RLE (see the .c file). `rows` holds
/// `row_count` rows of `stride` bytes, each packed most significant bit first (at least
/// (width + 7) / 8 bytes); each is written `repeat` times, so that a QR code's rows of modules
/// need not be copied for each row of pixels.
/// Returns 0 and sets *png (free() it) and *png_size; or returns -1 with libpng's reason in
/// `message` (CPNGWRITE_MESSAGE_SIZE bytes), and *png untouched.
int cpngwrite_gray1(
    const unsigned char *rows, size_t stride, unsigned width, unsigned row_count, unsigned repeat,
    unsigned char **png, size_t *png_size, char *message);

#endif
