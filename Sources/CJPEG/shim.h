// The libjpeg headers, for Swift (Debian libjpeg-dev, installed by scripts/bootstrap.sh).
//
// libjpeg reports a damaged file by calling error_exit, which must not return; the only way out
// is longjmp, which Swift cannot do. So the one call Swift makes is this inline C function, whose
// error handler jumps back into it: the frame it jumps to is always live.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

struct cjpeg_error_manager {
  struct jpeg_error_mgr base;
  jmp_buf escape;
  char message[JMSG_LENGTH_MAX];
};

static void cjpeg_error_exit(j_common_ptr info) {
  struct cjpeg_error_manager *manager = (struct cjpeg_error_manager *)info->err;
  (*info->err->format_message)(info, manager->message);
  longjmp(manager->escape, 1);
}

static void cjpeg_silence(j_common_ptr info, int level) {
  (void)info;
  (void)level;
}

/// Decodes a JPEG into 8-bit grayscale rows. Returns 0 and sets *pixels (free() it), *width and
/// *height; or returns -1 with the reason in message (JMSG_LENGTH_MAX bytes). Images of more than
/// max_pixels pixels are refused before anything is allocated.
static inline int cjpeg_decode_gray(
    const unsigned char *data, unsigned long size, unsigned long max_pixels, unsigned char **pixels,
    unsigned int *width, unsigned int *height, char *message) {
  struct jpeg_decompress_struct info;
  struct cjpeg_error_manager manager;
  unsigned char *volatile output = NULL;
  info.err = jpeg_std_error(&manager.base);
  manager.base.error_exit = cjpeg_error_exit;
  manager.base.emit_message = cjpeg_silence;
  manager.message[0] = 0;
  if (setjmp(manager.escape)) {
    jpeg_destroy_decompress(&info);
    free(output);
    strncpy(message, manager.message, JMSG_LENGTH_MAX - 1);
    message[JMSG_LENGTH_MAX - 1] = 0;
    return -1;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, data, size);
  jpeg_read_header(&info, TRUE);
  if ((unsigned long)info.image_width * info.image_height > max_pixels) {
    strcpy(message, "the image has more pixels than otpbridge reads");
    jpeg_destroy_decompress(&info);
    return -1;
  }
  info.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(&info);
  size_t stride = info.output_width;
  output = malloc(stride * info.output_height);
  if (output == NULL) {
    strcpy(message, "out of memory");
    jpeg_destroy_decompress(&info);
    return -1;
  }
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = output + stride * info.output_scanline;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  *width = info.output_width;
  *height = info.output_height;
  *pixels = output;
  jpeg_destroy_decompress(&info);
  return 0;
}
