/* Compiles only with the installed headers (trainc::runtime's include
 * directory); the model object's description must carry this version. */
#include <trainc/model.h>

int install_consumer_abi_version(void) { return TRAINC_MODEL_ABI_VERSION; }
