// What the ember runtime costs on each Cortex-M, as tools/footprint measured
// it (arm-none-eabi-gcc -Os, EMBER_RUNTIME_FAST=0, every model kind compiled
// in: the `runtime` configuration). `ember inspect` states a model's device
// RAM from these. Written by `tools/footprint --header tools/host/device_footprint.h`;
// the firmware tests check that it still matches (footprint_figures).
#ifndef EMBER_TOOLS_HOST_DEVICE_FOOTPRINT_H
#define EMBER_TOOLS_HOST_DEVICE_FOOTPRINT_H

namespace ember::host {

struct DeviceFootprint {
  const char* cpu;             // "m0", "m3", "m4"
  const char* core;            // "Cortex-M0", ...
  unsigned flash;              // runtime code and constants with the libgcc helpers it calls, bytes
  unsigned load_stack;         // peak stack of ember_load: measured = worst case (-fstack-usage)
  unsigned predict_stack;      // peak stack of ember_predict measured on the test models
  unsigned predict_stack_max;  // its worst case for any model (-fstack-usage along the call graph)
  unsigned model_view;         // sizeof(ember_model) on a 32-bit target
};

constexpr DeviceFootprint kDeviceFootprint[] = {
    {"m0", "Cortex-M0", 18360, 692, 344, 588, 124},
    {"m3", "Cortex-M3", 15094, 592, 264, 456, 124},
    {"m4", "Cortex-M4", 13394, 592, 244, 456, 124},
};

}  // namespace ember::host

#endif  // EMBER_TOOLS_HOST_DEVICE_FOOTPRINT_H
