/* A stand-in for the NVIDIA driver's libcuda.so.1, for testing mxnet-cu112
 * on a machine without a GPU: it has every cu* function that libmxnet.so
 * imports (nm -D --undefined-only libmxnet.so | grep ' cu[A-Z]'), and each
 * answers CUDA_ERROR_NO_DEVICE. The CUDA runtime also asks cuInit and
 * cuDriverGetVersion; built with -DDRIVER_VERSION=10020 it reports a driver
 * too old for CUDA 11 instead.
 *
 *   gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o libcuda.so.1 this.c
 */
#define CUDA_ERROR_NO_DEVICE 100
#ifndef DRIVER_VERSION
#define DRIVER_VERSION 11080
#endif

int cuDriverGetVersion(int *version)
{
    *version = DRIVER_VERSION;
    return 0;
}

#define NO_DEVICE(name) int name(void) { return CUDA_ERROR_NO_DEVICE; }
NO_DEVICE(cuInit)
NO_DEVICE(cuDeviceGet)
NO_DEVICE(cuDevicePrimaryCtxRetain)
NO_DEVICE(cuGetErrorString)
NO_DEVICE(cuGraphKernelNodeGetParams)
NO_DEVICE(cuGraphNodeGetType)
NO_DEVICE(cuLaunchKernel)
NO_DEVICE(cuModuleGetFunction)
NO_DEVICE(cuModuleLoadData)
NO_DEVICE(cuModuleLoadDataEx)
NO_DEVICE(cuModuleUnload)
